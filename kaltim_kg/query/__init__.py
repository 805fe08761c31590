"""Running queries safely: the killable process pool, its workers, the lexer and the cache."""
