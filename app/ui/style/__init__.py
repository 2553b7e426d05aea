"""The design system: tokens (spacing, radii, type, colours), palette, stylesheet, icons."""
