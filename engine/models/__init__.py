"""Tables, one area per module. Importing this package registers every table."""
from engine.models.accountability import AccountabilityRecord
from engine.models.attachment import Attachment
from engine.models.audit import CaseEvent
from engine.models.audit_chain import AuditAnchor  # noqa: F401  (hash chains of the audit, issue 16)
from engine.models.calendar import CalendarDay, CalendarYear
from engine.models.call import CallRecord
from engine.models.call_queue import CallQueue, CallQueueAgent  # noqa: F401  (queues and the IVR menu, issue 18)
from engine.models.campaign import Campaign, CampaignAgent, CampaignAttempt, CampaignTarget  # noqa: F401  (issue 15)
from engine.models.case import Case, CaseDepartment, CaseNumberCounter, Urge
from engine.models.catalogue import DispatchRule, Matter
from engine.models.channel_client import ChannelClient, Open311Request  # noqa: F401  (Open311, issue 14)
from engine.models.citizen_channel import InboundSms, PhoneVerification, WebSubmission
from engine.models.conference import Conference, ConferenceMember  # noqa: F401  (conferences, issue 18)
from engine.models.contact import (  # noqa: F401  (contacts, call notes, imports: issue 15)
    CallNote,
    Contact,
    ContactCursor,
    ContactLink,
    ContactMerge,
    ContactPhone,
    ContactTag,
    ImportError_,
    ImportJob,
)
from engine.models.deadline import Deadline, NaturalCompletion, OvertimeReport
from engine.models.intake_key import IntakeKey
from engine.models.knowledge import KbArticle, KbArticleEvent, KbArticleVersion, KbCategory, KbRecording  # noqa: F401  (issue 15)
from engine.models.mail import ImapCursor, InboundMail
from engine.models.notification import Notification
from engine.models.org import ApiToken, Department, User, UserRole
from engine.models.process import ProcessVersion
from engine.models.reexamination import CitizenRating, Reexamination  # noqa: F401  (public case page, issue 14)
from engine.models.screening import CaseRiskFlag, DisputeRecord, RiskType
from engine.models.settings import ConfigChange, Parameter
from engine.models.statistics import KpiDay, KpiMonth, RollupState, SavedReport
from engine.models.telephony import AgentStatus, CallCdr, CallFeed, TelephonyCommand, TelephonyState
from engine.models.work_item import WorkItem

__all__ = [
    "AccountabilityRecord", "AgentStatus", "ApiToken", "Attachment", "CallCdr", "CallFeed", "CallRecord", "CalendarDay", "CalendarYear", "Case", "CaseDepartment", "CaseEvent", "CaseNumberCounter",
    "CaseRiskFlag", "DisputeRecord", "RiskType",
    "ImapCursor", "InboundMail",
    "InboundSms", "PhoneVerification", "WebSubmission", "IntakeKey",
    "ConfigChange", "Deadline", "Department", "DispatchRule", "Matter", "NaturalCompletion", "Notification", "OvertimeReport", "Parameter",
    "ProcessVersion", "KpiDay", "KpiMonth", "RollupState", "SavedReport", "TelephonyCommand", "TelephonyState", "Urge", "User", "UserRole", "WorkItem",
]
