"""What each app adds to the tiny city, as its own services and users would leave it."""
