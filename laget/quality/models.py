"""The quality app's own records (the learning network); the indicators themselves are
computed from other apps' counts and store nothing."""
