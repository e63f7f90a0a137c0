"""Messages to customers: reminder and formal-notice emails, French and English."""
