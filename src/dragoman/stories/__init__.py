"""Stories: near-duplicates, clustering, arenas, grades."""
