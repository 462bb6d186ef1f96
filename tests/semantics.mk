# tests/semantics.mk
