"""alignkit."""
