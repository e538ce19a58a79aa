"""`ogi parse`: parse report files or folders into records."""
