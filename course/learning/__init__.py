"""Lesson pages, progress, the dashboard, the certificate and the reminders that bring trainees back."""
