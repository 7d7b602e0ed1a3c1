"""Quizzes in chat: question bank, generated questions, the game, scoring and commands."""
