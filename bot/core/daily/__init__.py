"""Daily "on this day" posts: schedule math, subscriptions, exactly-once delivery."""
