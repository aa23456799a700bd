"""Attachments: content-addressed files (PDF, ODT, DOCX) linked to any owner, with their text.

Reuse: a form declares `files = AttachmentsField(_l("Files"))`; its validation streams each
upload into the shared store and checks its type from the content; a service then calls
`attach(owner_type, owner_id, form.files.staged, user=...)`. A domain tells who may download
its owners' files with `register_owner(app, owner_type, can_download)`.
"""
