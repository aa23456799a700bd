"""Standing tests: permission matrix, form fuzzing and backups over one shared dataset."""
