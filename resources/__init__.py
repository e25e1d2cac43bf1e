"""Data files shipped with the application: window presets, styles, icons."""
