"""Business rules that run between plan and store, inside the transaction."""
