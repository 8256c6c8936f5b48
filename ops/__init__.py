"""Running the platform: the private PostgreSQL cluster and which database a process uses."""
