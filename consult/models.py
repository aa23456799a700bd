"""Imports every domain's models so metadata is complete (Alembic, create_all)."""

from consult.accounts.models import *  # noqa: F403
from consult.adoption.models import *  # noqa: F403
from consult.api.models import *  # noqa: F403
from consult.attachments.models import *  # noqa: F403
from consult.comments.fingerprint import *  # noqa: F403
from consult.comments.models import *  # noqa: F403
from consult.comments.review_models import *  # noqa: F403
from consult.comments.workspace_models import *  # noqa: F403
from consult.core.models import *  # noqa: F403
from consult.drafts.models import *  # noqa: F403
from consult.drafts.translation_models import *  # noqa: F403
from consult.events.models import *  # noqa: F403
from consult.groups.models import *  # noqa: F403
from consult.groups.update_models import *  # noqa: F403
from consult.moderation.grouping_models import *  # noqa: F403
from consult.moderation.models import *  # noqa: F403
from consult.search.models import *  # noqa: F403
