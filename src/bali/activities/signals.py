"""`activities_changed` is sent after activities are written, with their ids.

The search index listens to it, so every write path (editors, API, admin, import) keeps the
index in step without the activity services knowing about search.
"""

from django.dispatch import Signal

# sender: the module that wrote; kwargs: ids (list[int]), deleted (bool), and optionally
# written (`bali.search.documents.Written`: what the sender holds of those activities)
activities_changed = Signal()
