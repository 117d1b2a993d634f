"""Workshops: a page with sessions of limited places, registrations, the waitlist and their e-mails."""
