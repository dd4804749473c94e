import { graphql } from "../gql";

export const ReadinessDocument = graphql(`
  query AppointmentReadiness($ids: [ID!]!) {
    appointmentReadiness(ids: $ids) {
      appointmentId
      ready
      blockers {
        code
        templateId
        templateName
      }
    }
  }
`);

export const CheckInGateDocument = graphql(`
  mutation CheckInPastGate($id: ID!, $overrideReason: String) {
    checkInAppointment(id: $id, overrideReason: $overrideReason) {
      appointment {
        id
        status
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const SendFormsLinkDocument = graphql(`
  mutation SendFormsLink($appointmentId: ID!, $channel: FormsLinkChannel!) {
    sendFormsLink(appointmentId: $appointmentId, channel: $channel) {
      expiresAt
      errors {
        field
        code
        message
      }
    }
  }
`);

export const StartTabletFormsDocument = graphql(`
  mutation StartTabletForms($appointmentId: ID!) {
    startTabletForms(appointmentId: $appointmentId) {
      url
      expiresAt
      errors {
        field
        code
        message
      }
    }
  }
`);
