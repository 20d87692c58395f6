from flask import Blueprint

from ptcc.organisations import member_views, moderation_views, views
from ptcc.organisations.services import OrganisationMoved

bp = Blueprint("organisations", __name__, url_prefix="/organisations", template_folder="templates")
# A merged organisation's addresses lead to the same page of the kept one.
bp.register_error_handler(OrganisationMoved, moderation_views.moved)

bp.add_url_rule("/", "directory", views.directory)
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/mine", "mine", views.mine)
bp.add_url_rule("/queue", "queue", views.queue)
bp.add_url_rule("/open-data/organisations.csv", "open_data_csv", views.open_data_csv)
bp.add_url_rule("/open-data/organisations.json", "open_data_json", views.open_data_json)
bp.add_url_rule("/open-data/organisations.jsonld", "open_data_json_ld", views.open_data_json_ld)
bp.add_url_rule("/invitations/<token>", "invitation", member_views.invitation, methods=["GET", "POST"])
bp.add_url_rule("/<slug>", "show", views.show)
bp.add_url_rule("/<slug>/edit", "edit", views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<slug>/approve", "approve", views.approve, methods=["POST"])
bp.add_url_rule("/<slug>/refuse", "refuse", views.refuse, methods=["GET", "POST"])
bp.add_url_rule("/<slug>/resubmit", "resubmit", views.resubmit, methods=["POST"])
bp.add_url_rule("/<slug>/suspend", "suspend", moderation_views.suspend, methods=["GET", "POST"])
bp.add_url_rule("/<slug>/reinstate", "reinstate", moderation_views.reinstate, methods=["POST"])
bp.add_url_rule("/<slug>/merge", "merge", moderation_views.merge, methods=["GET", "POST"])
bp.add_url_rule("/<slug>/join", "join", member_views.join, methods=["POST"])
bp.add_url_rule("/<slug>/leave", "leave", member_views.leave, methods=["GET", "POST"])
bp.add_url_rule("/<slug>/members", "members", member_views.members)
bp.add_url_rule("/<slug>/members/<int:membership_id>", "change_member", member_views.change_member, methods=["POST"])
bp.add_url_rule("/<slug>/members/<int:membership_id>/remove", "remove_member", member_views.remove_member,
                methods=["GET", "POST"])
bp.add_url_rule("/<slug>/requests/<int:membership_id>", "answer_request", member_views.answer_request,
                methods=["POST"])
bp.add_url_rule("/<slug>/invitations", "invite", member_views.invite, methods=["POST"])
bp.add_url_rule("/<slug>/invitations/<int:invitation_id>/cancel", "cancel_invitation",
                member_views.cancel_invitation, methods=["GET", "POST"])
