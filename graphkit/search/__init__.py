"""Finding related items: the related-items index and its query."""
