# src/arena.mk: the memfd arena (owner: arena helper).
