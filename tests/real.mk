# tests/real.mk
