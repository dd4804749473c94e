import { graphql } from "../gql";

// The messaging screens' documents (issue 20's API: tenant_apps/messaging/graphql).

export const MessagingSettingsDocument = graphql(`
  query MessagingSettings {
    messagingSettings {
      waitlistMode
      waitlistHoldMinutes
      reminderRules {
        channel
        minutesBefore
        onlyIfUnconfirmed
      }
      templateVariables {
        name
        description
      }
    }
  }
`);

export const MessageTemplatesDocument = graphql(`
  query MessageTemplates {
    messageTemplates {
      kind
      channel
      subject
      body
      isDefault
    }
    messagingSettings {
      templateVariables {
        name
        description
      }
    }
  }
`);

export const PreviewTemplateDocument = graphql(`
  mutation PreviewMessageTemplate($kind: MessageKind!, $channel: MessageChannel!, $subject: String, $body: String!) {
    previewMessageTemplate(kind: $kind, channel: $channel, subject: $subject, body: $body) {
      errors {
        field
        code
        message
      }
      preview {
        subject
        body
        longestLength
      }
    }
  }
`);

export const SaveTemplateDocument = graphql(`
  mutation SaveMessageTemplate($kind: MessageKind!, $channel: MessageChannel!, $subject: String, $body: String!) {
    saveMessageTemplate(kind: $kind, channel: $channel, subject: $subject, body: $body) {
      errors {
        field
        code
        message
      }
      template {
        kind
        channel
        subject
        body
        isDefault
      }
    }
  }
`);

export const ResetTemplateDocument = graphql(`
  mutation ResetMessageTemplate($kind: MessageKind!, $channel: MessageChannel!) {
    resetMessageTemplate(kind: $kind, channel: $channel) {
      errors {
        field
        code
        message
      }
      templates {
        kind
        channel
        subject
        body
        isDefault
      }
    }
  }
`);

export const SetReminderScheduleDocument = graphql(`
  mutation SetReminderSchedule($rules: [ReminderRuleInput!]!) {
    setReminderSchedule(rules: $rules) {
      errors {
        field
        code
        message
      }
      settings {
        reminderRules {
          channel
          minutesBefore
          onlyIfUnconfirmed
        }
      }
    }
  }
`);

export const UpdateMessagingSettingsDocument = graphql(`
  mutation UpdateMessagingSettings($waitlistMode: WaitlistMode, $waitlistHoldMinutes: Int) {
    updateMessagingSettings(waitlistMode: $waitlistMode, waitlistHoldMinutes: $waitlistHoldMinutes) {
      errors {
        field
        code
        message
      }
      settings {
        waitlistMode
        waitlistHoldMinutes
      }
    }
  }
`);

export const MessagesDocument = graphql(`
  query MessageLog($status: MessageStatus, $after: String) {
    messages(status: $status, first: 50, after: $after) {
      edges {
        node {
          id
          direction
          channel
          kind
          status
          reason
          toAddress
          dueAt
          sentAt
          createdAt
          deferrals
          client {
            id
            displayName
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const WaitlistDocument = graphql(`
  query Waitlist($status: WaitlistStatus) {
    waitlistEntries(status: $status, first: 100) {
      edges {
        node {
          id
          status
          source
          earliest
          latest
          createdAt
          windows {
            weekdays
            start
            end
          }
          client {
            id
            displayName
          }
          service {
            id
            name
          }
          provider {
            id
            displayName
          }
          location {
            id
            name
            timezone
          }
          offers {
            id
            status
            startsAt
            expiresAt
          }
        }
      }
    }
  }
`);

export const WaitlistChoicesDocument = graphql(`
  query WaitlistChoices {
    locations(active: true, first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
    services(active: true, first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
    staff(providersOnly: true, active: true, first: 100) {
      edges {
        node {
          id
          displayName
        }
      }
    }
  }
`);

export const AddToWaitlistDocument = graphql(`
  mutation AddToWaitlist(
    $clientId: ID!
    $serviceId: ID!
    $locationId: ID!
    $providerId: ID
    $earliest: Date!
    $latest: Date!
    $windows: [WaitlistWindowInput!]
  ) {
    addToWaitlist(
      clientId: $clientId
      serviceId: $serviceId
      locationId: $locationId
      providerId: $providerId
      earliest: $earliest
      latest: $latest
      windows: $windows
    ) {
      errors {
        field
        code
        message
      }
      entry {
        id
      }
    }
  }
`);

export const CancelWaitlistEntryDocument = graphql(`
  mutation CancelWaitlistEntry($id: ID!) {
    cancelWaitlistEntry(id: $id) {
      errors {
        field
        code
        message
      }
      entry {
        id
        status
      }
    }
  }
`);

export const ConsentsDocument = graphql(`
  query ClientMessagingConsents($clientId: ID!) {
    clientMessagingConsents(clientId: $clientId) {
      ...ConsentStates
    }
  }
`);

export const ConsentStatesFragment = graphql(`
  fragment ConsentStates on ClientMessagingConsents {
    states {
      channel
      purpose
      allowed
      reason
      latest {
        granted
        written
        source
        recordedAt
      }
    }
    history {
      channel
      purpose
      granted
      written
      source
      textShown
      recordedAt
    }
  }
`);

export const RecordConsentDocument = graphql(`
  mutation RecordMessagingConsent(
    $clientId: ID!
    $channel: MessageChannel!
    $purpose: MessagePurpose!
    $granted: Boolean!
    $source: MessagingConsentSource!
    $textShown: String!
  ) {
    recordMessagingConsent(
      clientId: $clientId
      channel: $channel
      purpose: $purpose
      granted: $granted
      source: $source
      textShown: $textShown
    ) {
      errors {
        field
        code
        message
      }
      consents {
        ...ConsentStates
      }
    }
  }
`);
