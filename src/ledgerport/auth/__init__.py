"""Who is calling and what they may do: users, passwords, credentials and the access policy."""
