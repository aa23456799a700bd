"""Permission matrix: every route of the URL map, for every kind of person, against one table.

A route without a row fails `test_every_route_has_a_row`, whose message prints the row as the
application answers today: check each figure, then paste it into MATRIX.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection
from werkzeug.routing import Rule

from tests.standing.world import ROLES, World, build_world, module_database, rolled_back, sign_in

# Expected status per person. Columns: anonymous, unverified, stakeholder, member (of the
# document's group), observer, moderator of another group, moderator, chair, administrator.
# POSTs are sent empty (CSRF off): 200 re-shows the form with errors, so it means "allowed".
# The consulted document is public; its v1 is published and v2 is an open revision.
MATRIX_TEXT = """
endpoint                           method  anon unver stake membr obsrv othmd moder chair admin
 accounts.add_domain                POST     302   403   403   403   403   403   403   403   302
accounts.change_email              POST     302   200   200   200   200   200   200   200   200
accounts.change_password           POST     302   200   200   200   200   200   200   200   200
accounts.confirm_email_change      GET      400   400   400   400   400   400   400   400   400
 accounts.decide_member             POST     302   403   403   403   403   403   403   403   302
accounts.declare_pact              GET      302   403   403   403   403   403   403   403   200
accounts.declare_pact              POST     302   403   403   403   403   403   403   403   302
accounts.delete_account            POST     302   200   200   200   200   200   200   200   200
 accounts.edit_organisation         GET      302   403   403   403   403   403   403   403   200
 accounts.edit_organisation         POST     302   403   403   403   403   403   403   403   302
accounts.export_data               POST     302   200   200   200   200   200   200   200   200
accounts.choose_language           GET      302   302   302   302   302   302   302   302   302
accounts.login                     GET      200   200   200   200   200   200   200   200   200
accounts.login                     POST     200   200   200   200   200   200   200   200   200
accounts.logout                    POST     302   302   302   302   302   302   302   302   302
accounts.profile                   GET      302   200   200   200   200   200   200   200   200
accounts.profile                   POST     302   302   302   302   302   302   302   302   302
 accounts.remove_domain             POST     302   404   404   404   404   404   404   404   404
 accounts.remove_member             POST     302   403   403   403   403   403   403   403   302
accounts.request_reset             GET      200   200   200   200   200   200   200   200   200
accounts.request_reset             POST     200   200   200   200   200   200   200   200   200
accounts.resend_verification       POST     302   302   302   302   302   302   302   302   302
accounts.reset_password            GET      400   400   400   400   400   400   400   400   400
accounts.reset_password            POST     400   400   400   400   400   400   400   400   400
 accounts.set_representative        POST     302   403   403   403   403   403   403   403   302
accounts.show_organisation         GET      200   200   200   200   200   200   200   200   200
 accounts.show_person               GET      404   404   404   404   404   404   404   404   200
accounts.signup                    GET      200   302   302   302   302   302   302   302   302
accounts.signup                    POST     200   302   302   302   302   302   302   302   302
accounts.verify_email              GET      400   400   400   400   400   400   400   400   400
accounts.your_data                 GET      302   200   200   200   200   200   200   200   200
 admin.approve_pact_change          POST     302   403   403   403   403   403   403   403   404
admin.audit_log                    GET      302   403   403   403   403   403   403   403   200
admin.categories                   GET      302   403   403   403   403   403   403   403   200
admin.categories                   POST     302   403   403   403   403   403   403   403   200
 admin.decline_pact_change          POST     302   403   403   403   403   403   403   403   404
admin.disable_user                 POST     302   403   403   403   403   403   403   403   302
admin.enable_user                  POST     302   403   403   403   403   403   403   403   302
admin.erase_user                   GET      302   403   403   403   403   403   403   403   200
admin.erase_user                   POST     302   403   403   403   403   403   403   403   200
admin.grant_admin                  POST     302   403   403   403   403   403   403   403   302
admin.index                        GET      302   403   403   403   403   403   403   403   200
admin.organisations                GET      302   403   403   403   403   403   403   403   200
admin.rename_category              POST     302   403   403   403   403   403   403   403   200
admin.retire_category              POST     302   403   403   403   403   403   403   403   302
admin.revoke_admin                 POST     302   403   403   403   403   403   403   403   302
admin.revoke_pact                  POST     302   403   403   403   403   403   403   403   302
admin.show_organisation            GET      302   403   403   403   403   403   403   403   200
admin.show_organisation            POST     302   403   403   403   403   403   403   403   302
admin.show_user                    GET      302   403   403   403   403   403   403   403   200
admin.unretire_category            POST     302   403   403   403   403   403   403   403   302
admin.users                        GET      302   403   403   403   403   403   403   403   200
 admin.verify_organisation          POST     302   403   403   403   403   403   403   403   302
admin.verify_pact                  POST     302   403   403   403   403   403   403   403   302
attachments.download_attachment    GET      404   404   404   404   404   404   404   404   404
adoption.add_commitment            POST     302   403   403   403   403   403   403   403   302
adoption.confirm_adoption          POST     302   404   404   404   404   404   404   404   404
adoption.confirm_unadoption        POST     302   404   404   404   404   404   404   404   404
adoption.create_code               GET      302   403   403   403   403   403   403   403   200
adoption.create_code               POST     302   403   403   403   403   403   403   403   200
adoption.create_round              POST     302   403   403   403   403   403   403   403   302
adoption.decide_signature          POST     302   404   404   404   404   404   404   404   404
adoption.download_pdf              GET      404   404   404   404   404   404   404   404   404
adoption.export_register           GET      404   404   404   404   404   404   404   404   404
adoption.export_reports            GET      404   404   404   404   404   404   404   404   404
adoption.export_pact               GET      200   200   200   200   200   200   200   200   200
adoption.list_pledges              GET      200   200   200   200   200   200   200   200   200
adoption.propose_adoption          GET      302   403   403   403   403   403   403   200   200
adoption.propose_adoption          POST     302   403   403   403   403   403   403   200   200
adoption.propose_adoption@members  GET      302   404   404   403   403   404   403   200   200
adoption.propose_unadoption        GET      302   404   404   404   404   404   404   404   404
adoption.propose_unadoption        POST     302   404   404   404   404   404   404   404   404
adoption.publish_pledge            GET      302   403   403   403   403   403   403   403   403
adoption.publish_pledge            POST     302   403   403   403   403   403   403   403   403
adoption.register_feed             GET      404   404   404   404   404   404   404   404   404
adoption.retire_commitment         POST     302   404   404   404   404   404   404   404   404
adoption.review                    GET      302   403   403   403   403   403   403   403   200
adoption.set_report_schedule       GET      302   404   404   404   404   404   404   404   404
adoption.set_report_schedule       POST     302   404   404   404   404   404   404   404   404
adoption.show_code                 GET      404   404   404   404   404   404   404   404   404
adoption.show_pledge               GET      404   404   404   404   404   404   404   404   404
adoption.show_register             GET      404   404   404   404   404   404   404   404   404
adoption.show_report               GET      404   404   404   404   404   404   404   404   404
adoption.show_signatory_report     GET      404   404   404   404   404   404   404   404   404
adoption.show_signature            GET      404   404   404   404   404   404   404   404   404
adoption.sign_code                 GET      302   404   404   404   404   404   404   404   404
adoption.sign_code                 POST     302   404   404   404   404   404   404   404   404
adoption.submit_report             GET      302   404   404   404   404   404   404   404   404
adoption.submit_report             POST     302   404   404   404   404   404   404   404   404
adoption.submit_signatory_report   GET      302   404   404   404   404   404   404   404   404
adoption.submit_signatory_report   POST     302   404   404   404   404   404   404   404   404
adoption.withdraw_signature        POST     302   404   404   404   404   404   404   404   404
 api.compare_versions               GET      400   400   400   400   400   400   400   400   400
 api.get_document                   GET      200   200   200   200   200   200   200   200   200
 api.get_event                      GET      200   200   200   200   200   200   200   200   200
 api.get_group                      GET      200   200   200   200   200   200   200   200   200
 api.get_report                     GET      200   200   200   200   200   200   200   200   200
 api.get_version                    GET      200   200   200   200   200   200   200   200   200
 api.list_comments                  GET      200   200   200   200   200   200   200   200   200
 api.list_dispositions              GET      200   200   200   200   200   200   200   200   200
 api.list_documents                 GET      200   200   200   200   200   200   200   200   200
 api.list_events                    GET      200   200   200   200   200   200   200   200   200
 api.list_groups                    GET      200   200   200   200   200   200   200   200   200
 api.list_provisions                GET      200   200   200   200   200   200   200   200   200
 api.openapi                        GET      200   200   200   200   200   200   200   200   200
 api_docs.create_api_token          POST     302   400   400   400   400   400   400   400   400
 api_docs.index                     GET      200   200   200   200   200   200   200   200   200
 api_docs.revoke_api_token          POST     302   404   404   404   404   404   404   404   404
comments.add_draft_note            POST     302   404   302   404   404   404   404   404   404
comments.approve_draft             POST     302   404   403   404   404   404   404   404   404
comments.approve_drafts            POST     302   404   403   404   404   404   404   404   404
comments.comment_history           GET      200   200   200   200   200   200   200   200   200
 comments.decide_review             GET      302   403   403   403   403   403   404   404   404
 comments.decide_review             POST     302   403   403   403   403   403   404   404   404
comments.delete_comment            GET      302   403   403   403   403   403   403   403   403
comments.delete_comment            POST     302   403   403   403   403   403   403   403   403
comments.dismiss_report            POST     302   403   403   403   403   403   302   302   302
comments.edit_comment              GET      302   403   403   403   403   403   403   403   403
comments.edit_comment              POST     302   403   403   403   403   403   403   403   403
comments.endorse                   POST     302   403   302   302   302   302   302   302   302
comments.hide_comment              GET      302   403   403   403   403   403   200   200   200
comments.hide_comment              POST     302   403   403   403   403   403   200   200   200
comments.my_comments               GET      302   200   200   200   200   200   200   200   200
comments.organisation_voice        GET      200   200   200   200   200   200   200   200   200
comments.overview                  GET      200   200   200   200   200   200   200   200   200
comments.overview@members          GET      302   404   404   200   200   404   200   200   200
comments.reply                     GET      200   200   200   200   200   200   200   200   200
comments.reply                     POST     302   403   200   200   200   200   200   200   200
comments.report_comment            GET      302   403   200   200   200   200   200   200   200
comments.report_comment            POST     302   403   200   200   200   200   200   200   200
comments.reports                   GET      302   403   403   403   403   403   200   200   200
comments.reports@members           GET      302   404   404   403   403   404   200   200   200
 comments.request_review            GET      302   403   403   403   403   403   403   403   403
 comments.request_review            POST     302   403   403   403   403   403   403   403   403
comments.show_comment              GET      302   302   302   302   302   302   302   302   302
comments.show_draft                GET      302   404   200   404   404   404   404   404   404
comments.show_draft                POST     302   404   302   404   404   404   404   404   404
comments.show_provision            GET      200   200   200   200   200   200   200   200   200
comments.show_provision            POST     302   403   200   200   200   200   200   200   200
comments.show_provision@members    GET      302   404   404   200   200   404   200   200   200
comments.unhide_comment            POST     302   403   403   403   403   403   302   302   302
comments.uphold_report             GET      302   403   403   403   403   403   200   200   200
comments.uphold_report             POST     302   403   403   403   403   403   200   200   200
comments.version_workspace         GET      302   404   200   404   404   404   404   404   404
comments.version_workspace         POST     302   404   400   404   404   404   404   404   404
comments.workspace_index           GET      302   404   200   404   404   404   404   404   404
core.accessibility                 GET      200   200   200   200   200   200   200   200   200
core.healthz                       GET      200   200   200   200   200   200   200   200   200
core.mailbox                       GET      200   200   200   200   200   200   200   200   200
core.participation_rules           GET      200   200   200   200   200   200   200   200   200
core.privacy_notice                GET      200   200   200   200   200   200   200   200   200
drafts.add_section                 GET      302   404   404   404   404   404   200   200   200
drafts.add_section                 POST     302   404   404   404   404   404   200   200   200
drafts.change_window               GET      302   403   403   403   403   403   403   200   200
drafts.change_window               POST     302   403   403   403   403   403   403   400   400
drafts.change_window@members       GET      302   404   404   403   403   404   403   200   200
drafts.choose_comparison           GET      200   200   200   200   200   200   200   200   200
drafts.choose_comparison@members   GET      302   404   404   200   200   404   200   200   200
drafts.compare                     GET      404   404   404   404   404   404   200   200   200
drafts.compare@members             GET      302   404   404   400   400   404   400   400   400
drafts.create_document             GET      302   403   403   403   403   403   403   200   200
drafts.create_document             POST     302   403   403   403   403   403   403   200   200
drafts.edit_section                GET      302   404   404   404   404   404   200   200   200
drafts.edit_section                POST     302   404   404   404   404   404   409   409   409
drafts.edit_version                GET      302   404   404   404   404   404   200   200   200
drafts.export_markdown             GET      200   200   200   200   200   200   200   200   200
drafts.export_markdown@members     GET      302   404   404   200   200   404   200   200   200
drafts.goto_provision              GET      302   302   302   302   302   302   302   302   302
drafts.goto_provision@members      GET      302   404   404   302   302   404   302   302   302
drafts.home                        GET      200   200   200   200   200   200   200   200   200
drafts.import_version              GET      302   403   403   403   403   403   403   200   200
drafts.import_version              POST     302   403   403   403   403   403   403   400   400
drafts.import_version@members      GET      302   404   404   403   403   404   403   200   200
drafts.import_translation          GET      302   403   403   403   403   403   403   200   200
drafts.import_translation          POST     302   403   403   403   403   403   403   400   400
drafts.import_translation@members  GET      302   404   404   403   403   404   403   200   200
drafts.list_versions               GET      200   200   200   200   200   200   200   200   200
drafts.list_versions@members       GET      302   404   404   200   200   404   200   200   200
drafts.move_section                GET      302   404   404   404   404   404   200   200   200
drafts.move_section                POST     302   404   404   404   404   404   302   302   302
drafts.publish_version             GET      302   404   404   404   404   404   403   200   200
drafts.publish_version             POST     302   404   404   404   404   404   403   302   302
drafts.remove_section              GET      302   404   404   404   404   404   200   200   200
drafts.remove_section              POST     302   404   404   404   404   404   302   302   302
drafts.show_document               GET      302   302   302   302   302   302   302   302   302
drafts.show_document@members       GET      302   404   404   302   302   404   302   302   302
drafts.show_version                GET      200   200   200   200   200   200   200   200   200
drafts.show_version@members        GET      302   404   404   200   200   404   200   200   200
drafts.start_version               POST     302   403   403   403   403   403   403   302   302
events.ask_question                POST     302   403   403   403   403   403   403   400   400
events.cancel_event                GET      302   403   403   403   403   403   403   200   200
events.cancel_event                POST     302   403   403   403   403   403   403   200   200
events.create_event                GET      302   403   403   403   403   403   403   200   200
events.create_event                POST     302   403   403   403   403   403   403   200   200
events.dismiss_question_report     POST     302   403   403   403   403   403   302   302   302
events.edit_event                  GET      302   403   403   403   403   403   403   200   200
events.edit_event                  POST     302   403   403   403   403   403   403   200   200
events.event_ics                   GET      200   200   200   200   200   200   200   200   200
events.group_ics                   GET      200   200   200   200   200   200   200   200   200
events.invite                      POST     302   403   403   403   403   403   403   400   400
events.manage_question             GET      302   403   403   403   403   403   403   200   200
events.manage_question             POST     302   403   403   403   403   403   403   200   200
events.my_events                   GET      302   200   200   200   200   200   200   200   200
events.my_events                   POST     302   302   302   302   302   302   302   302   302
events.my_ics                      GET      404   404   404   404   404   404   404   404   404
events.question_reports            GET      302   403   403   403   403   403   200   200   200
events.record_outcome              GET      302   403   403   403   403   403   403   200   200
events.record_outcome              POST     302   403   403   403   403   403   403   302   302
events.register                    POST     302   302   302   302   302   302   302   302   302
events.remove_file                 POST     302   403   403   403   403   403   403   404   404
events.report_question             GET      302   403   200   200   200   200   200   403   200
events.report_question             POST     302   403   200   200   200   200   200   403   200
events.show_event                  GET      200   200   200   200   200   200   200   200   200
events.support_question            POST     302   403   302   302   302   302   302   403   302
events.uphold_question_report      GET      302   403   403   403   403   403   200   200   200
events.uphold_question_report      POST     302   403   403   403   403   403   200   200   200
events.withdraw                    POST     302   302   302   302   302   302   302   302   302
 feeds.document_versions            GET      200   200   200   200   200   200   200   200   200
 feeds.document_versions@members    GET      404   404   404   404   404   404   404   404   404
 feeds.group_versions               GET      200   200   200   200   200   200   200   200   200
 feeds.version_dispositions         GET      200   200   200   200   200   200   200   200   200
 feeds.version_dispositions@members GET      404   404   404   404   404   404   404   404   404
groups.appoint_chair               POST     302   403   403   403   403   403   403   403   200
groups.approve_request             POST     302   403   403   403   403   403   403   200   200
groups.change_role                 GET      302   403   403   403   403   403   403   403   403
groups.change_role                 POST     302   403   403   403   403   403   403   403   403
groups.decline_request             POST     302   403   403   403   403   403   403   200   200
groups.edit_preferences            GET      302   403   403   200   200   403   200   200   403
groups.edit_preferences            POST     302   403   403   302   302   403   302   302   403
groups.edit_settings               GET      302   403   403   403   403   403   403   200   200
groups.edit_settings               POST     302   403   403   403   403   403   403   200   200
groups.join_group                  GET      302   403   200   200   200   200   200   200   200
groups.join_group                  POST     302   403   200   200   200   200   200   200   200
groups.leave_group                 GET      302   403   403   200   200   403   200   200   403
groups.leave_group                 POST     302   403   403   302   302   403   302   200   403
groups.list_groups                 GET      200   200   200   200   200   200   200   200   200
groups.list_requests               GET      302   403   403   403   403   403   403   200   200
groups.list_roles                  GET      302   403   403   403   403   403   403   200   200
groups.show_group                  GET      200   200   200   200   200   200   200   200   200
groups.show_request                GET      302   403   403   403   403   403   403   200   200
 moderation.act_on_group            POST     302   403   403   403   403   403   404   404   404
moderation.add_provision           GET      302   403   403   403   403   403   200   200   200
moderation.add_provision           POST     302   403   403   403   403   403   400   400   400
moderation.apply_proposal          POST     302   403   403   403   403   403   302   302   302
moderation.assign_comment          POST     302   403   403   403   403   403   302   302   302
 moderation.desk                    GET      302   403   403   403   403   200   200   200   200
moderation.dispose_comment         GET      302   403   403   403   403   403   200   200   200
moderation.dispose_comment         POST     302   403   403   403   403   403   400   400   400
 moderation.distribute              POST     302   403   403   403   403   302   302   302   302
moderation.edit_provision          GET      302   403   403   403   403   403   200   200   200
moderation.edit_provision          POST     302   403   403   403   403   403   400   400   400
moderation.move_provision          GET      302   403   403   403   403   403   200   200   200
moderation.move_provision          POST     302   403   403   403   403   403   302   302   302
moderation.open_revision           POST     302   403   403   403   403   403   302   302   302
moderation.publish_revision        GET      302   403   403   403   403   403   403   200   200
moderation.publish_revision        POST     302   403   403   403   403   403   403   400   400
moderation.remove_provision        POST     302   403   403   403   403   403   400   400   400
moderation.report                  GET      200   200   200   200   200   200   200   200   200
moderation.report@members          GET      302   404   404   200   200   404   200   200   200
moderation.report_csv              GET      200   200   200   200   200   200   200   200   200
moderation.report_csv@members      GET      302   404   404   200   200   404   200   200   200
 moderation.report_xlsx             GET      200   200   200   200   200   200   200   200   200
 moderation.report_xlsx@members     GET      302   404   404   200   200   404   200   200   200
moderation.show_revision           GET      302   403   403   403   403   403   200   200   200
 moderation.similar_comments        GET      302   403   403   403   403   403   200   200   200
 moderation.similar_comments        POST     302   403   403   403   403   403   302   302   302
 moderation.similar_comments@members GET      302   404   404   403   403   404   200   200   200
 moderation.similar_group           GET      302   403   403   403   403   403   404   404   404
 moderation.similar_group@members   GET      302   404   404   403   403   404   404   404   404
moderation.statistics_page         GET      200   200   200   200   200   200   200   200   200
moderation.triage                  GET      302   403   403   403   403   403   200   200   200
moderation.triage                  POST     302   403   403   403   403   403   400   400   400
moderation.triage@members          GET      302   404   404   403   403   404   200   200   200
 opendata.export_akn                GET      200   200   200   200   200   200   200   200   200
opendata.export_akn@members        GET      302   404   404   200   200   404   200   200   200
 opendata.export_csv                GET      200   200   200   200   200   200   200   200   200
opendata.export_csv@members        GET      302   404   404   200   200   404   200   200   200
 opendata.export_json               GET      200   200   200   200   200   200   200   200   200
opendata.export_json@members       GET      302   404   404   200   200   404   200   200   200
 opendata.export_zip                GET      200   200   200   200   200   200   200   200   200
opendata.export_zip@members        GET      302   404   404   200   200   404   200   200   200
 search.search                      GET      200   200   200   200   200   200   200   200   200
static                             GET      200   200   200   200   200   200   200   200   200
updates.check_inbox                GET      200   200   200   200   200   200   200   200   200
updates.confirm                    GET      404   404   404   404   404   404   404   404   404
updates.confirm                    POST     404   404   404   404   404   404   404   404   404
updates.manage                     GET      200   200   200   200   200   200   200   200   200
updates.manage                     POST     200   200   200   200   200   200   200   200   200
updates.subscribe                  GET      200   200   200   200   200   200   200   200   200
updates.subscribe                  POST     200   200   200   200   200   200   200   200   200
updates.unsubscribe                GET      200   200   200   200   200   200   200   200   200
updates.unsubscribe                POST     200   200   200   200   200   200   200   200   200
"""

# Rows that show a known defect of issue 12 (fixed in parallel): expected figures are the fixed
# behaviour; remove the entry once the fix is merged.
# Rows known to be wrong today, each naming its issue; empty once they are fixed.
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}


def _parse(text: str) -> dict[tuple[str, str], tuple[int, ...]]:
    rows: dict[tuple[str, str], tuple[int, ...]] = {}
    for line in text.strip().splitlines()[1:]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        endpoint, method, *codes = line.split()
        assert len(codes) == len(ROLES), f"row {endpoint} {method} needs {len(ROLES)} statuses"
        assert (endpoint, method) not in rows, f"row {endpoint} {method} appears twice"
        rows[(endpoint, method)] = tuple(int(code) for code in codes)
    return rows


MATRIX = _parse(MATRIX_TEXT)

# Draft-editor pages work on a version still being drafted: they get the second document's.
EDITING_ENDPOINTS = {
    "drafts.add_section",
    "drafts.edit_section",
    "drafts.move_section",
    "drafts.remove_section",
    "drafts.edit_version",
    "drafts.publish_version",
}


MEMBERS = "@members"


def routes(app: Flask) -> dict[tuple[str, str], Rule]:
    """(endpoint, method) -> rule; reading pages of a document also as `endpoint@members`,
    on a members-only document (nobody outside the group may learn that it exists)."""
    found: dict[tuple[str, str], Rule] = {}
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.setdefault((rule.endpoint, method), rule)
            if (
                method == "GET"
                and rule.rule.startswith("/docs/<slug>")
                and rule.endpoint not in EDITING_ENDPOINTS
                and "comment_id" not in rule.arguments
                and "revision_id" not in rule.arguments
            ):
                found.setdefault((rule.endpoint + MEMBERS, method), rule)
    return found


# URL values that differ per endpoint where two routes share a parameter name.
ENDPOINT_VALUES = {
    "adoption.decide_signature": {"decision": "verify"},
    "adoption.export_pact": {"kind": "pledges"},
    "accounts.choose_language": {"code": "de"},
}


def url_for_rule(rule: Rule, world: World, endpoint: str = "") -> str:
    values = dict(world.params) | ENDPOINT_VALUES.get(rule.endpoint, {})
    if rule.rule.startswith(("/groups/", "/api/v1/groups/", "/events/groups/")):
        values["slug"] = world.params["group_slug"]
    if rule.endpoint in EDITING_ENDPOINTS:
        values.update(world.editing)
    if endpoint.endswith(MEMBERS):
        values.update(world.members)
    built = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
    assert built is not None, f"cannot fill the URL parameters of {rule.rule}"
    return built[1]


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[tuple[World, Connection]]:
    with module_database(app) as connection:
        yield build_world(), connection


def observe(
    client: FlaskClient, connection: Connection, world: World, key: tuple[str, str], rule: Rule
) -> tuple[int, ...]:
    endpoint, method = key
    url = url_for_rule(rule, world, endpoint)
    statuses = []
    for role in ROLES:
        with rolled_back(connection):
            sign_in(client, world.users.get(role))
            response = client.open(url, method=method, data={} if method == "POST" else None)
            response.get_data()  # a streamed body (CSV) runs to its end inside the request
            response.close()
            statuses.append(response.status_code)
    return tuple(statuses)


def format_row(endpoint: str, method: str, statuses: tuple[int, ...]) -> str:
    return f"{endpoint:<34} {method:<6} " + " ".join(f"{s:>5}" for s in statuses)


def test_every_route_has_a_row(app: Flask, world: tuple[World, Connection]) -> None:
    client = app.test_client()
    missing = sorted(set(routes(app)) - set(MATRIX))
    rows = [format_row(*key, observe(client, world[1], world[0], key, routes(app)[key]))
            for key in missing]  # fmt: skip
    assert not missing, (
        "routes without a row in the permission matrix (what they answer today; check each "
        "figure before pasting into MATRIX_TEXT):\n" + "\n".join(rows)
    )
    stale = sorted(set(MATRIX) - set(routes(app)))
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _cases() -> list[Any]:
    return [
        pytest.param(
            endpoint,
            method,
            id=f"{endpoint} {method}",
            marks=[pytest.mark.xfail(strict=False, reason=KNOWN_DEFECTS[(endpoint, method)])]
            if (endpoint, method) in KNOWN_DEFECTS
            else [],
        )
        for endpoint, method in sorted(MATRIX)
    ]


@pytest.mark.parametrize(("endpoint", "method"), _cases())
def test_route_answers_each_person_as_the_matrix_says(
    app: Flask, world: tuple[World, Connection], endpoint: str, method: str
) -> None:
    rule = routes(app).get((endpoint, method))
    assert rule is not None, f"{endpoint} {method} is in the matrix but not in the URL map"
    observed = observe(app.test_client(), world[1], world[0], (endpoint, method), rule)
    expected = MATRIX[(endpoint, method)]
    wrong = [
        f"{role}: expected {want}, got {got}"
        for role, want, got in zip(ROLES, expected, observed, strict=True)
        if want != got
    ]
    assert not wrong, (
        f"{endpoint} {method} at {url_for_rule(rule, world[0], endpoint)}: " + "; ".join(wrong)
    )
