# src/cmd.mk
