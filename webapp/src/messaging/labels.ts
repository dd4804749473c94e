import type {
  MessageChannel,
  MessageKind,
  MessagePurpose,
  MessageStatus,
  MessagingConsentSource,
  WaitlistOfferStatus,
  WaitlistStatus,
} from "../gql/graphql";

export const CHANNEL_LABEL: Record<MessageChannel, string> = { SMS: "Text (SMS)", EMAIL: "Email" };
export const PURPOSE_LABEL: Record<MessagePurpose, string> = { APPOINTMENT: "Appointment messages", MARKETING: "Marketing" };

export const KIND_LABEL: Record<MessageKind, string> = {
  CONFIRMATION: "Booking confirmation",
  REMINDER: "Reminder",
  CHANGE: "Change notice",
  CANCELLATION: "Cancellation notice",
  WAITLIST_OFFER: "Waitlist offer",
  FORM_REQUEST: "Form request",
  FORMS_COPY: "Copy of signed forms",
  MARKETING: "Marketing",
  OPT_OUT_CONFIRMATION: "Opt-out confirmation",
  REPLY: "Reply to a text",
  INBOUND: "Text received",
};

export const MESSAGE_STATUS_LABEL: Record<MessageStatus, string> = {
  QUEUED: "Queued",
  SENDING: "Sending",
  SENT: "Sent",
  DELIVERED: "Delivered",
  FAILED: "Failed",
  SUPPRESSED: "Not sent",
  UNCONFIRMED: "Interrupted",
  RECEIVED: "Received",
};

export const SOURCE_LABEL: Record<MessagingConsentSource, string> = {
  IN_PERSON: "In person, at the spa",
  ONLINE_BOOKING: "Online booking form",
  PAPER_FORM: "Signed paper form",
  WEB_FORM: "Web form",
  PHONE: "By phone",
  EMAIL: "By email",
  SMS_REPLY: "SMS reply (STOP, START)",
  UNSUBSCRIBE_LINK: "Unsubscribe link in an email",
};

export const WAITLIST_STATUS_LABEL: Record<WaitlistStatus, string> = {
  WAITING: "Waiting",
  BOOKED: "Booked",
  CANCELLED: "Cancelled",
};

export const OFFER_STATUS_LABEL: Record<WaitlistOfferStatus, string> = {
  OPEN: "Offered",
  CLAIMED: "Claimed",
  EXPIRED: "Expired",
  TAKEN: "Taken by someone else",
  WITHDRAWN: "Withdrawn",
};

/** Why a message was not sent (or was moved), in words for the desk. */
const REASONS: Record<string, string> = {
  opted_out: "The client opted out of this channel.",
  no_consent: "No consent recorded for this channel and purpose.",
  not_written: "Marketing needs written consent.",
  cap_day: "Daily limit of messages to this client reached.",
  cap_week: "Weekly limit of messages to this client reached.",
  stale: "No longer relevant (the visit changed or is past).",
  quiet_hours: "Moved out of quiet hours.",
  too_long: "Too long for a text.",
  confirmed: "The client had already confirmed.",
  no_client: "No client for this message.",
  no_address: "The client has no phone number or email for this channel.",
  interrupted: "Sending was interrupted; not sent again (to avoid a duplicate).",
};

export function reasonText(reason: string): string {
  if (!reason) return "";
  return REASONS[reason] ?? reason.replace(/_/g, " ");
}

/** "2 days", "3 hours", "90 minutes": a reminder's lead time in words. */
export function leadTime(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} ${minutes === 1440 ? "day" : "days"}`;
  if (minutes % 60 === 0) return `${minutes / 60} ${minutes === 60 ? "hour" : "hours"}`;
  return `${minutes} minutes`;
}
