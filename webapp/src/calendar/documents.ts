import { graphql } from "../gql";

// One request draws a day (or a week): the appointments, the columns (providers
// with their hours and time off, or rooms and devices) and the location's hours.
export const CalendarDayDocument = graphql(`
  query CalendarDay($locationId: ID!, $date: Date!) {
    daySchedule(date: $date, locationId: $locationId, first: 100) {
      edges {
        node {
          ...CalendarAppointment
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    ...CalendarColumns
  }
`);

export const CalendarWeekDocument = graphql(`
  query CalendarWeek($locationId: ID!, $weekOf: Date!) {
    weekSchedule(weekOf: $weekOf, locationId: $locationId, first: 100) {
      edges {
        node {
          ...CalendarAppointment
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    ...CalendarColumns
  }
`);

// The pages after the first (more than 100 appointments): the appointments alone.
export const DaySchedulePageDocument = graphql(`
  query CalendarDayPage($locationId: ID!, $date: Date!, $after: String!) {
    daySchedule(date: $date, locationId: $locationId, first: 100, after: $after) {
      edges {
        node {
          ...CalendarAppointment
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const WeekSchedulePageDocument = graphql(`
  query CalendarWeekPage($locationId: ID!, $weekOf: Date!, $after: String!) {
    weekSchedule(weekOf: $weekOf, locationId: $locationId, first: 100, after: $after) {
      edges {
        node {
          ...CalendarAppointment
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CalendarColumnsFragment = graphql(`
  fragment CalendarColumns on Query {
    staff(locationId: $locationId, providersOnly: true, active: true, first: 100) {
      edges {
        node {
          id
          userId
          displayName
          workingHours {
            weekday
            startsAt
            endsAt
            location {
              id
            }
          }
          upcomingTimeOff {
            id
            startsAt
            endsAt
            kind
          }
        }
      }
    }
    resources(locationId: $locationId, active: true, first: 100) {
      edges {
        node {
          id
          name
          kind
        }
      }
    }
    location: node(id: $locationId) {
      ... on Location {
        id
        timezone
        hours {
          weekday
          opensAt
          closesAt
        }
      }
    }
  }
`);

export const CalendarAppointmentFragment = graphql(`
  fragment CalendarAppointment on Appointment {
    id
    status
    startsAt
    endsAt
    notes
    client {
      id
      displayName
      phone
    }
    provider {
      id
      displayName
    }
    services {
      service {
        id
        name
      }
    }
    resources {
      id
      name
    }
  }
`);


export const RescheduleDocument = graphql(`
  mutation Reschedule($id: ID!, $startsAt: DateTime!, $providerId: ID) {
    rescheduleAppointment(id: $id, startsAt: $startsAt, providerId: $providerId) {
      appointment {
        ...CalendarAppointment
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const ConfirmDocument = graphql(`
  mutation ConfirmAppointment($id: ID!) {
    confirmAppointment(id: $id) {
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

export const CheckInDocument = graphql(`
  mutation CheckInAppointment($id: ID!) {
    checkInAppointment(id: $id) {
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

export const CompleteDocument = graphql(`
  mutation CompleteAppointment($id: ID!) {
    completeAppointment(id: $id) {
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

export const NoShowDocument = graphql(`
  mutation MarkNoShow($id: ID!) {
    markNoShow(id: $id) {
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

export const NotesDocument = graphql(`
  mutation UpdateAppointmentNotes($id: ID!, $notes: String!) {
    updateAppointmentNotes(id: $id, notes: $notes) {
      appointment {
        id
        notes
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const CancelDocument = graphql(`
  mutation CancelAppointment($id: ID!, $reason: String!) {
    cancelAppointment(id: $id, reason: $reason) {
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

export const BookDocument = graphql(`
  mutation BookAppointment($input: BookAppointmentInput!) {
    bookAppointment(input: $input) {
      appointment {
        ...CalendarAppointment
      }
      errors {
        field
        code
        message
      }
    }
  }
`);

export const AvailabilityDocument = graphql(`
  query Availability($locationId: ID!, $serviceIds: [ID!]!, $from: Date!, $to: Date!, $providerId: ID) {
    availability(locationId: $locationId, serviceIds: $serviceIds, from: $from, to: $to, providerId: $providerId, first: 60) {
      startsAt
      endsAt
      provider {
        id
        displayName
      }
    }
  }
`);

export const BookableServicesDocument = graphql(`
  query BookableServices {
    services(active: true, first: 100) {
      edges {
        node {
          id
          name
          durationMinutes
          category {
            name
          }
        }
      }
    }
  }
`);

export const ClientSearchDocument = graphql(`
  query ClientSearch($search: String!) {
    clients(search: $search, first: 8) {
      edges {
        node {
          id
          displayName
          email
          phone
          dateOfBirth
        }
      }
    }
  }
`);
