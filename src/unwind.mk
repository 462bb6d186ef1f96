# src/unwind.mk
