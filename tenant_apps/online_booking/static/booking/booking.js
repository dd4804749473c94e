/*
 * The patients' booking pages (/booking/, /booking/manage and /booking/waitlist), talking to the
 * spa's booking API (/booking/graphql/). No framework and no build step.
 *
 * The pages run under a strict Content-Security-Policy with Trusted Types, so
 * everything here builds the DOM with createElement/textContent, never HTML
 * strings. Times are shown in the location's time zone.
 */
(function () {
  "use strict";

  var body = document.body;
  var ENDPOINT = body.dataset.endpoint;
  var spa = null; // the `spa` query's answer, once loaded

  // --- small helpers ------------------------------------------------------------

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else if (key === "className") node.className = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function setStatus(text) {
    var status = $("status");
    status.textContent = text || "";
    show(status, Boolean(text));
  }

  function setAlert(text) {
    var alert = $("alert");
    alert.textContent = text || "";
    show(alert, Boolean(text));
  }

  // A refusal: a code from the API (or NETWORK), a message for people, the field at fault.
  function Problem(code, message, field) {
    this.code = code;
    this.message = message || "";
    this.field = field || null;
  }

  async function gql(query, variables) {
    var response;
    try {
      response = await fetch(ENDPOINT, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ query: query, variables: variables || {} }),
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (err) {
      throw new Problem("NETWORK");
    }
    var payload;
    try {
      payload = await response.json();
    } catch (err) {
      throw new Problem(response.status === 429 ? "RATE_LIMITED" : "NETWORK");
    }
    if (payload.errors && payload.errors.length) {
      var first = payload.errors[0];
      var extensions = first.extensions || {};
      throw new Problem(extensions.code || "INVALID", first.message, extensions.field);
    }
    return payload.data;
  }

  function contactText() {
    var ways = [spa && spa.contactPhone, spa && spa.contactEmail].filter(Boolean);
    return ways.length ? " (" + ways.join(" or ") + ")" : "";
  }

  function spaName() {
    return spa ? spa.name : "the spa";
  }

  // What each code means to a patient. Unknown codes fall back to the API's message.
  function explain(problem) {
    var hours = spa ? spa.cancellationWindowHours : null;
    var messages = {
      NETWORK: "We couldn't reach " + spaName() + ". Check your connection and try again.",
      RATE_LIMITED: "Too many attempts in a short time. Please wait a minute and try again.",
      ONLINE_BOOKING_DISABLED:
        spaName() + " isn't taking bookings online right now. Please contact them" + contactText() + ".",
      SPA_SUSPENDED:
        "Online booking is paused at " + spaName() + ". Please contact them" + contactText() + ".",
      SLOT_TAKEN: "That time was just taken, pick another.",
      OUTSIDE_POLICY: "That time can no longer be booked online, pick another.",
      START_INVALID: "That time can no longer be booked online, pick another.",
      RANGE_INVALID: "Pick a day within the booking period.",
      NOT_FOUND: "That choice is no longer available. Please reload the page and choose again.",
      SERVICES_INVALID: "Choose a treatment.",
      SERVICE_UNAVAILABLE:
        "This treatment can't be booked online right now. Please contact " + spaName() + contactText() + ".",
      NAME_REQUIRED: "Enter your name.",
      EMAIL_REQUIRED: "Enter your email address.",
      EMAIL_INVALID: "Enter a valid email address, like name@example.com.",
      PHONE_REQUIRED: "Enter your phone number.",
      PHONE_INVALID: "Enter a valid phone number (with the country code if it is from abroad).",
      TOO_LONG: "That is too long, please shorten it.",
      DATE_OF_BIRTH_REQUIRED: "Enter your date of birth: your treatment needs medical forms.",
      DATE_OF_BIRTH_IN_FUTURE: "The date of birth can't be in the future.",
      DATE_OF_BIRTH_INVALID: "Check the year of your date of birth.",
      TOKEN_INVALID:
        "This link doesn't work any more: it has been used, has expired or is incomplete. " +
        "If you changed your booking, use the link in the newest email from " + spaName() + ".",
      NOT_CHANGEABLE:
        "This appointment can no longer be changed online. Please contact " + spaName() + contactText() + ".",
      OUTSIDE_CANCELLATION_WINDOW:
        "Online changes close " + (hours === null ? "some" : hours) + " hours before the appointment. " +
        "To change it now, please contact " + spaName() + contactText() + ".",
    };
    return messages[problem.code] || problem.message || "Something went wrong. Please try again.";
  }

  // --- dates and times -------------------------------------------------------------

  function formatIn(iso, zone, options) {
    return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone }, options)).format(
      new Date(iso)
    );
  }

  var DAY = { weekday: "long", day: "numeric", month: "long", year: "numeric" };
  var TIME = { hour: "numeric", minute: "2-digit" };

  function timeIn(iso, zone) {
    return formatIn(iso, zone, TIME);
  }

  function whenText(startsAt, endsAt, zone) {
    return (
      formatIn(startsAt, zone, DAY) +
      ", " +
      timeIn(startsAt, zone) +
      " to " +
      formatIn(endsAt, zone, Object.assign({ timeZoneName: "short" }, TIME))
    );
  }

  function momentText(iso, zone) {
    return formatIn(iso, zone, DAY) + ", " + formatIn(iso, zone, Object.assign({ timeZoneName: "short" }, TIME));
  }

  // Today's date (YYYY-MM-DD) in a time zone.
  function todayIn(zone) {
    return dateIn(new Date().toISOString(), zone);
  }

  function dateIn(iso, zone) {
    var parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).formatToParts(new Date(iso));
    function part(type) {
      return parts.find(function (p) {
        return p.type === type;
      }).value;
    }
    return part("year") + "-" + part("month") + "-" + part("day");
  }

  function addDays(day, n) {
    var p = day.split("-").map(Number);
    return new Date(Date.UTC(p[0], p[1] - 1, p[2] + n)).toISOString().slice(0, 10);
  }

  function dayLabel(day) {
    var p = day.split("-").map(Number);
    return new Intl.DateTimeFormat(undefined, {
      timeZone: "UTC",
      weekday: "long",
      day: "numeric",
      month: "long",
    }).format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
  }

  function money(cents, currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency }).format(
        cents / 100
      );
    } catch (err) {
      return (cents / 100).toFixed(2) + " " + currency;
    }
  }

  function addressOf(location) {
    return [location.addressLine1, location.addressLine2, location.city, location.region, location.postalCode]
      .filter(Boolean)
      .join(", ");
  }

  // --- the spa's look -----------------------------------------------------------------

  var SPA_FIELDS =
    "name brandColor onlineBookingEnabled contactEmail contactPhone bookingPolicy " +
    "minNoticeMinutes bookingHorizonDays cancellationWindowHours";

  function applySpa(loaded) {
    spa = loaded;
    $("spa-name").textContent = spa.name;
    var heading = document.querySelector("h1");
    document.title = (heading ? heading.textContent + " · " : "") + spa.name;
    var color = /^#[0-9a-fA-F]{6}$/.test(spa.brandColor) ? spa.brandColor : null;
    if (color) {
      // CSSOM, not a style attribute: the CSP allows it.
      var root = document.documentElement.style;
      root.setProperty("--brand", color);
      root.setProperty("--on-brand", readableOn(color));
    }
  }

  // Black or white, whichever reads better on the colour (WCAG relative luminance).
  function readableOn(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#111111" : "#ffffff";
  }

  // --- free times (both pages) ------------------------------------------------------

  var AVAILABILITY =
    "query Free($location: ID!, $services: [ID!]!, $from: Date!, $to: Date!, $provider: ID) {" +
    " availability(locationId: $location, serviceIds: $services, from: $from, to: $to," +
    " providerId: $provider) { truncated slots { startsAt endsAt provider { id displayName } } } }";

  // A day picker with its free times. `ask()` says what to look up (or null);
  // `onPick(slot)` hears of the choice (null when cleared).
  function TimePicker(options) {
    this.ask = options.ask;
    this.onPick = options.onPick;
    this.zone = null;
    this.request = 0;
    this.slots = [];
    var picker = this;
    $("day").addEventListener("change", function () {
      picker.load();
    });
    $("prev-day").addEventListener("click", function () {
      picker.move(-1);
    });
    $("next-day").addEventListener("click", function () {
      picker.move(1);
    });
  }

  TimePicker.prototype.setRange = function (zone, first, last, day) {
    this.zone = zone;
    var input = $("day");
    input.min = first;
    input.max = last;
    input.value = day < first ? first : day > last ? last : day;
    this.updateButtons();
  };

  TimePicker.prototype.updateButtons = function () {
    var input = $("day");
    $("prev-day").disabled = !input.value || input.value <= input.min;
    $("next-day").disabled = !input.value || input.value >= input.max;
  };

  TimePicker.prototype.move = function (days) {
    var input = $("day");
    if (!input.value) return;
    var next = addDays(input.value, days);
    if (next < input.min || next > input.max) return;
    input.value = next;
    this.load();
  };

  TimePicker.prototype.clear = function () {
    this.slots = [];
    $("times").replaceChildren();
    this.setError("");
    this.onPick(null);
  };

  TimePicker.prototype.setError = function (text) {
    var error = $("times-error");
    error.textContent = text;
    show(error, Boolean(text));
  };

  TimePicker.prototype.load = async function () {
    this.updateButtons();
    var day = $("day").value;
    var query = this.ask();
    this.clear();
    if (!day || !query) {
      $("times-status").textContent = "";
      return;
    }
    var request = ++this.request;
    $("times-status").textContent = "Looking for free times…";
    var data;
    try {
      data = await gql(AVAILABILITY, Object.assign({ from: day, to: day }, query));
    } catch (problem) {
      if (request !== this.request) return;
      $("times-status").textContent = "";
      this.setError(explain(problem));
      return;
    }
    if (request !== this.request) return; // a later day was asked for meanwhile
    this.render(day, data.availability.slots);
  };

  TimePicker.prototype.render = function (day, slots) {
    var picker = this;
    // One choice per start: the API books any provider free then.
    var seen = {};
    this.slots = slots.filter(function (slot) {
      if (seen[slot.startsAt]) return false;
      seen[slot.startsAt] = true;
      return true;
    });
    var label = dayLabel(day);
    $("times-status").textContent = this.slots.length
      ? this.slots.length + (this.slots.length === 1 ? " time" : " times") + " free on " + label + "."
      : "No free times on " + label + ". Try another day.";
    var nodes = this.slots.map(function (slot, index) {
      var id = "time-" + index;
      var input = el("input", { type: "radio", name: "time", id: id, value: slot.startsAt });
      input.addEventListener("change", function () {
        picker.setError("");
        picker.onPick(slot);
      });
      return el("div", { className: "time" }, [
        input,
        el("label", { for: id, text: timeIn(slot.startsAt, picker.zone) }),
      ]);
    });
    $("times").replaceChildren(...nodes);
  };

  // After SLOT_TAKEN and the like: say so, and show what is free now.
  TimePicker.prototype.refuse = async function (text) {
    await this.load();
    this.setError(text);
    var first = document.querySelector("#times input");
    (first || $("day")).focus();
  };

  // --- the booking page ---------------------------------------------------------------

  var BOOK_PAGE =
    "query BookingPage { spa { " + SPA_FIELDS + " }" +
    " locations { id name addressLine1 addressLine2 city region postalCode country timezone phone }" +
    " services { id name description durationMinutes priceCents currency requiresForms" +
    " category { id name } } }";

  var BOOK =
    "mutation Book($input: BookInput!) { book(input: $input) { errors { field code message }" +
    " appointment { reference startsAt endsAt location { name addressLine1 addressLine2 city region" +
    " postalCode timezone } provider { displayName } services { name } } } }";

  var PERSON_FIELDS = ["firstName", "lastName", "email", "phone", "dateOfBirth", "notes"];

  async function bookingPage() {
    var data;
    try {
      data = await gql(BOOK_PAGE);
    } catch (problem) {
      setStatus("");
      setAlert(explain(problem));
      return;
    }
    applySpa(data.spa);
    setStatus("");
    if (!spa.onlineBookingEnabled || !data.locations.length || !data.services.length) {
      $("closed-text").textContent = spa.onlineBookingEnabled
        ? "No treatments can be booked online right now. Please contact " + spa.name + contactText() + "."
        : spa.name + " isn't taking bookings online at the moment. Please contact them" + contactText() + ".";
      show($("closed"), true);
      return;
    }

    var locations = {};
    data.locations.forEach(function (location) {
      locations[location.id] = location;
    });
    var services = {};
    data.services.forEach(function (service) {
      services[service.id] = service;
    });
    var chosen = null; // the slot picked

    var locationSelect = $("location");
    if (data.locations.length > 1) {
      locationSelect.append(el("option", { value: "", text: "Choose a location" }));
    }
    data.locations.forEach(function (location) {
      locationSelect.append(el("option", { value: location.id, text: location.name }));
    });

    var serviceSelect = $("service");
    var groups = {};
    data.services.forEach(function (service) {
      var group = groups[service.category.id];
      if (!group) {
        group = groups[service.category.id] = el("optgroup", { label: service.category.name });
        serviceSelect.append(group);
      }
      group.append(
        el("option", {
          value: service.id,
          text: service.name + " · " + service.durationMinutes + " min · " + money(service.priceCents, service.currency),
        })
      );
    });

    function location() {
      return locations[locationSelect.value] || null;
    }
    function service() {
      return services[serviceSelect.value] || null;
    }

    function showSummary() {
      var loc = location();
      $("summary").textContent =
        chosen && loc && service()
          ? service().name + " at " + loc.name + ", " + whenText(chosen.startsAt, chosen.endsAt, loc.timezone) + "."
          : "";
    }

    var picker = new TimePicker({
      ask: function () {
        var loc = location();
        var svc = service();
        return loc && svc ? { location: loc.id, services: [svc.id], provider: null } : null;
      },
      onPick: function (slot) {
        chosen = slot;
        $("step-who").disabled = !slot;
        showSummary();
      },
    });

    // The date of birth: asked only for a treatment that needs medical forms
    // (the forms link checks it), and then required.
    function needsDateOfBirth() {
      var svc = service();
      return Boolean(svc && svc.requiresForms);
    }

    function showDateOfBirth() {
      var needed = needsDateOfBirth();
      var input = $("dateOfBirth");
      show($("dateOfBirth-field"), needed);
      input.required = needed;
      if (needed) input.setAttribute("aria-required", "true");
      else input.removeAttribute("aria-required");
      var loc = location();
      input.max = loc ? todayIn(loc.timezone) : new Date().toISOString().slice(0, 10);
    }

    function choiceChanged() {
      var loc = location();
      var svc = service();
      showDateOfBirth();
      $("location-address").textContent = loc ? addressOf(loc) : "";
      $("service-details").textContent = svc ? svc.description : "";
      $("step-when").disabled = !(loc && svc);
      if (loc && svc) {
        var today = todayIn(loc.timezone);
        picker.setRange(loc.timezone, today, addDays(today, spa.bookingHorizonDays), $("day").value || today);
        picker.load();
      } else {
        picker.clear();
      }
    }
    locationSelect.addEventListener("change", choiceChanged);
    serviceSelect.addEventListener("change", choiceChanged);
    choiceChanged();
    show($("book-form"), true);

    function fieldError(name, text) {
      var input = $(name);
      var error = $(name + "-error");
      error.textContent = text || "";
      show(error, Boolean(text));
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }

    $("book-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      setAlert("");
      PERSON_FIELDS.forEach(function (name) {
        fieldError(name, "");
      });
      var loc = location();
      var svc = service();
      if (!loc || !svc || !chosen) {
        picker.setError("Pick a time.");
        return;
      }
      var values = {};
      PERSON_FIELDS.forEach(function (name) {
        values[name] = $(name).value.trim();
      });
      var missing = {
        firstName: "Enter your first name.",
        lastName: "Enter your last name.",
        email: "Enter your email address.",
        phone: "Enter your phone number.",
      };
      if (needsDateOfBirth()) {
        missing.dateOfBirth = "Enter your date of birth: your treatment needs medical forms.";
      }
      // Sent only when asked for; an incomplete date typed is no date.
      values.dateOfBirth = needsDateOfBirth() && values.dateOfBirth ? values.dateOfBirth : null;
      var firstMissing = null;
      Object.keys(missing).forEach(function (name) {
        if (!values[name]) {
          fieldError(name, missing[name]);
          firstMissing = firstMissing || name;
        }
      });
      if (firstMissing) {
        $(firstMissing).focus();
        return;
      }

      var button = $("book-button");
      button.disabled = true;
      button.textContent = "Booking…";
      var answer;
      try {
        var data = await gql(BOOK, {
          input: Object.assign(
            { locationId: loc.id, serviceIds: [svc.id], startsAt: chosen.startsAt, providerId: null },
            values
          ),
        });
        answer = data.book;
      } catch (problem) {
        answer = { errors: [{ code: problem.code, message: problem.message, field: problem.field }] };
      } finally {
        button.disabled = false;
        button.textContent = "Book";
      }
      if (answer.errors.length) {
        reportBookingErrors(answer.errors);
        return;
      }
      booked(answer.appointment, values.email);
    });

    function reportBookingErrors(errors) {
      var focus = null;
      var general = [];
      var timeProblem = null;
      errors.forEach(function (error) {
        var text = explain(error);
        if (PERSON_FIELDS.indexOf(error.field) >= 0) {
          fieldError(error.field, text);
          focus = focus || $(error.field);
        } else if (
          error.field === "startsAt" ||
          ["SLOT_TAKEN", "OUTSIDE_POLICY", "START_INVALID"].indexOf(error.code) >= 0
        ) {
          timeProblem = text;
        } else {
          general.push(text);
        }
      });
      if (general.length) setAlert(general.join(" "));
      if (timeProblem) {
        picker.refuse(timeProblem);
      } else if (focus) {
        focus.focus();
      }
    }

    function booked(appointment, email) {
      var zone = appointment.location.timezone;
      var address = addressOf(appointment.location);
      var rows = [
        ["Reference", appointment.reference],
        ["When", whenText(appointment.startsAt, appointment.endsAt, zone)],
        ["Where", appointment.location.name + (address ? ", " + address : "")],
        ["With", appointment.provider.displayName],
        ["Treatment", appointment.services.map(function (s) { return s.name; }).join(", ")],
      ];
      $("done-details").replaceChildren(...detailNodes(rows));
      $("done-email").textContent =
        "We've emailed a confirmation to " + email + ", with a link to reschedule or cancel.";
      show($("book-form"), false);
      show($("done"), true);
      $("done").focus();
    }
  }

  function detailNodes(rows) {
    var nodes = [];
    rows.forEach(function (row) {
      nodes.push(el("dt", { text: row[0] }));
      nodes.push(el("dd", { text: row[1], "data-field": row[0].toLowerCase() }));
    });
    return nodes;
  }

  // --- the manage page ----------------------------------------------------------------

  var APPOINTMENT_FIELDS =
    "reference status startsAt endsAt changeableUntil" +
    " location { id name addressLine1 addressLine2 city region postalCode timezone phone }" +
    " provider { id displayName } services { serviceId name startsAt endsAt }";

  var MANAGE_SPA = "query ManageSpa { spa { " + SPA_FIELDS + " } }";
  var APPOINTMENT =
    "query Manage($token: String!) { appointment(token: $token) { " + APPOINTMENT_FIELDS + " } }";
  var CANCEL =
    "mutation Cancel($token: String!, $reason: String) { cancel(token: $token, reason: $reason) {" +
    " errors { field code message } appointment { " + APPOINTMENT_FIELDS + " } } }";
  var RESCHEDULE =
    "mutation Move($token: String!, $startsAt: DateTime!) { reschedule(token: $token, startsAt: $startsAt) {" +
    " errors { field code message } appointment { " + APPOINTMENT_FIELDS + " } } }";

  var STATUS_TEXT = {
    BOOKED: "Booked",
    CONFIRMED: "Confirmed",
    CHECKED_IN: "Checked in",
    COMPLETED: "Completed",
    CANCELLED: "Cancelled",
    NO_SHOW: "Missed",
  };

  async function managePage() {
    // The token is in the fragment, which no server ever sees; take it out of
    // the address bar (and history) before anything else happens.
    var token = window.location.hash.slice(1);
    if (window.location.hash) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }

    var spaLoad = gql(MANAGE_SPA).then(
      function (data) {
        applySpa(data.spa);
      },
      function () {
        // The booking still shows without the spa's colours.
      }
    );
    if (!token) {
      await spaLoad;
      setStatus("");
      setAlert("Open the link in your confirmation email to see your booking. Each link works once; use the newest one.");
      return;
    }

    var appointment;
    try {
      var found = await Promise.all([gql(APPOINTMENT, { token: token }), spaLoad]);
      appointment = found[0].appointment;
    } catch (problem) {
      await spaLoad;
      setStatus("");
      setAlert(explain(problem));
      return;
    }
    setStatus("");
    var spent = false; // a change spends the link

    var chosen = null; // the new time picked
    var picker = new TimePicker({
      ask: function () {
        return {
          location: appointment.location.id,
          services: appointment.services.map(function (s) {
            return s.serviceId;
          }),
          provider: appointment.provider.id,
        };
      },
      onPick: function (slot) {
        chosen = slot;
      },
    });

    function render() {
      var zone = appointment.location.timezone;
      var address = addressOf(appointment.location);
      var rows = [
        ["Status", STATUS_TEXT[appointment.status] || appointment.status],
        ["When", whenText(appointment.startsAt, appointment.endsAt, zone)],
        ["Where", appointment.location.name + (address ? ", " + address : "")],
        ["With", appointment.provider.displayName],
        ["Treatment", appointment.services.map(function (s) { return s.name; }).join(", ")],
        ["Reference", appointment.reference],
      ];
      $("details").replaceChildren(...detailNodes(rows));

      var changeable = appointment.status === "BOOKED" || appointment.status === "CONFIRMED";
      var open = new Date() < new Date(appointment.changeableUntil);
      var note = "";
      if (spent) {
        note = "";
      } else if (appointment.status === "CANCELLED") {
        note = "This appointment is cancelled.";
      } else if (!changeable) {
        note = explain(new Problem("NOT_CHANGEABLE"));
      } else if (!open) {
        note = explain(new Problem("OUTSIDE_CANCELLATION_WINDOW"));
      } else {
        note = "You can reschedule or cancel online until " + momentText(appointment.changeableUntil, zone) + ".";
      }
      $("policy-note").textContent = note;
      show($("policy-note"), Boolean(note));
      var actions = !spent && changeable && open;
      show($("actions"), actions);
      show($("show-reschedule"), actions && Boolean(spa && spa.onlineBookingEnabled));
      if (!actions) {
        show($("cancel-form"), false);
        show($("reschedule-form"), false);
      }
    }
    render();
    show($("appointment"), true);

    function toggle(buttonId, formId) {
      var button = $(buttonId);
      var opening = $(formId).hidden;
      ["cancel-form", "reschedule-form"].forEach(function (id) {
        show($(id), false);
      });
      ["show-cancel", "show-reschedule"].forEach(function (id) {
        $(id).setAttribute("aria-expanded", "false");
      });
      if (opening) {
        show($(formId), true);
        button.setAttribute("aria-expanded", "true");
      }
      return opening;
    }

    $("show-cancel").addEventListener("click", function () {
      if (toggle("show-cancel", "cancel-form")) $("reason").focus();
    });
    $("show-reschedule").addEventListener("click", function () {
      if (!toggle("show-reschedule", "reschedule-form")) return;
      var zone = appointment.location.timezone;
      var today = todayIn(zone);
      var last = addDays(today, spa ? spa.bookingHorizonDays : 60);
      picker.setRange(zone, today, last, dateIn(appointment.startsAt, zone));
      picker.load();
      $("day").focus();
    });

    function finished(title, text) {
      spent = true;
      render();
      $("result-title").textContent = title;
      $("result-text").textContent = text;
      show($("result"), true);
      $("result").focus();
    }

    function refused(errors, onTime) {
      var first = errors[0];
      var text = explain(first);
      if (first.code === "TOKEN_INVALID" || first.code === "NOT_CHANGEABLE" || first.code === "OUTSIDE_CANCELLATION_WINDOW") {
        spent = true; // nothing more can be done with this link
        render();
        setAlert(text);
      } else if (onTime && (first.field === "startsAt" || first.code === "SLOT_TAKEN" || first.code === "OUTSIDE_POLICY")) {
        picker.refuse(text);
      } else if (first.field === "reason") {
        $("reason-error").textContent = text;
        show($("reason-error"), true);
        $("reason").setAttribute("aria-invalid", "true");
        $("reason").focus();
      } else {
        setAlert(text);
      }
    }

    async function send(buttonId, busyText, query, variables) {
      var button = $(buttonId);
      var idle = button.textContent;
      button.disabled = true;
      button.textContent = busyText;
      setAlert("");
      try {
        var data = await gql(query, variables);
        return data[Object.keys(data)[0]];
      } catch (problem) {
        return { errors: [{ code: problem.code, message: problem.message, field: problem.field }] };
      } finally {
        button.disabled = false;
        button.textContent = idle;
      }
    }

    $("cancel-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      show($("reason-error"), false);
      $("reason").removeAttribute("aria-invalid");
      var reason = $("reason").value.trim();
      var answer = await send("cancel-button", "Cancelling…", CANCEL, {
        token: token,
        reason: reason || null,
      });
      if (answer.errors.length) {
        refused(answer.errors, false);
        return;
      }
      appointment = answer.appointment;
      token = "";
      finished(
        "Your appointment is cancelled",
        "We've emailed you a confirmation of the cancellation. To book again, use the link below or contact " +
          spaName() + contactText() + "."
      );
    });

    $("reschedule-form").addEventListener("submit", async function (event) {
      event.preventDefault();
      if (!chosen) {
        picker.setError("Pick a new time.");
        return;
      }
      var answer = await send("reschedule-button", "Moving…", RESCHEDULE, {
        token: token,
        startsAt: chosen.startsAt,
      });
      if (answer.errors.length) {
        refused(answer.errors, true);
        return;
      }
      appointment = answer.appointment;
      token = "";
      finished(
        "Your appointment has moved",
        "It is now on " +
          whenText(appointment.startsAt, appointment.endsAt, appointment.location.timezone) +
          ". We've emailed you a new link to manage it; the link you used no longer works."
      );
    });
  }

  // --- the waitlist offer page ----------------------------------------------------------

  var OFFER_FIELDS =
    "status startsAt endsAt expiresAt serviceName" +
    " location { id name addressLine1 addressLine2 city region postalCode timezone phone }" +
    " provider { id displayName }";
  var OFFER = "query Offer($token: String!) { waitlistOffer(token: $token) { " + OFFER_FIELDS + " } }";
  var CLAIM =
    "mutation Claim($token: String!) { claimWaitlistOffer(token: $token) {" +
    " errors { field code message } appointment { " + APPOINTMENT_FIELDS + " } } }";

  // Why an offer can no longer be claimed, by its status.
  function offerEnded(status) {
    var texts = {
      CLAIMED: "This time is booked for you with this link already.",
      TAKEN: "Someone else booked this time first. You are still on the waitlist if other times fit.",
      EXPIRED: "This offer has expired. You are still on the waitlist if other times fit.",
      WITHDRAWN: "This offer no longer applies. Please contact " + spaName() + contactText() + ".",
    };
    return texts[status] || "This offer has ended.";
  }

  async function waitlistPage() {
    var token = window.location.hash.slice(1);
    if (window.location.hash) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    var spaLoad = gql(MANAGE_SPA).then(
      function (data) {
        applySpa(data.spa);
      },
      function () {}
    );
    function unknownLink() {
      setAlert(
        "This link doesn't work. Open the newest text from " + spaName() +
          " with a time offered, or contact them" + contactText() + "."
      );
    }
    if (!token) {
      await spaLoad;
      setStatus("");
      unknownLink();
      return;
    }

    var offer;
    async function load() {
      var found = await Promise.all([gql(OFFER, { token: token }), spaLoad]);
      offer = found[0].waitlistOffer;
    }
    try {
      await load();
    } catch (problem) {
      await spaLoad;
      setStatus("");
      if (problem.code === "NOT_FOUND" || problem.code === "TOKEN_INVALID") unknownLink();
      else setAlert(explain(problem));
      return;
    }
    setStatus("");

    function render() {
      var zone = offer.location.timezone;
      var address = addressOf(offer.location);
      $("details").replaceChildren(
        ...detailNodes([
          ["When", whenText(offer.startsAt, offer.endsAt, zone)],
          ["Where", offer.location.name + (address ? ", " + address : "")],
          ["With", offer.provider.displayName],
          ["Treatment", offer.serviceName],
        ])
      );
      var open = offer.status === "OPEN" && new Date() < new Date(offer.expiresAt);
      var note = open
        ? "We're holding this time for you until " + momentText(offer.expiresAt, zone) +
          ". It goes to the first person who books it."
        : offerEnded(offer.status === "OPEN" ? "EXPIRED" : offer.status);
      $("offer-note").textContent = note;
      $("offer").dataset.status = open ? "OPEN" : offer.status === "OPEN" ? "EXPIRED" : offer.status;
      show($("actions"), open);
    }
    render();
    show($("offer"), true);

    $("claim-button").addEventListener("click", async function () {
      var button = $("claim-button");
      button.disabled = true;
      button.textContent = "Booking…";
      setAlert("");
      var answer;
      try {
        answer = (await gql(CLAIM, { token: token })).claimWaitlistOffer;
      } catch (problem) {
        answer = { errors: [{ code: problem.code, message: problem.message }] };
      } finally {
        button.disabled = false;
        button.textContent = "Book this time";
      }
      if (answer.errors.length) {
        var code = answer.errors[0].code;
        if (code === "OFFER_GONE" || code === "SLOT_TAKEN") {
          // Where does the offer stand now? Ask, to say why.
          try {
            await load();
          } catch (problem) {
            offer.status = "EXPIRED";
          }
          if (code === "SLOT_TAKEN" && offer.status === "OPEN") offer.status = "TAKEN";
          render();
          setAlert(offerEnded(offer.status === "OPEN" ? "EXPIRED" : offer.status));
        } else if (code === "NOT_FOUND" || code === "TOKEN_INVALID") {
          show($("actions"), false);
          unknownLink();
        } else {
          setAlert(explain(answer.errors[0]));
        }
        return;
      }
      var appointment = answer.appointment;
      token = "";
      offer.status = "CLAIMED";
      render();
      $("offer-note").textContent = "";
      $("result-title").textContent = "You're booked";
      $("result-text").textContent =
        "Your appointment is on " +
        whenText(appointment.startsAt, appointment.endsAt, appointment.location.timezone) +
        ". Your reference is " + appointment.reference + "; quote it if you contact " + spaName() + ".";
      show($("result"), true);
      $("result").focus();
    });
  }

  function start() {
    var page = body.dataset.page;
    var run = { manage: managePage, book: bookingPage, waitlist: waitlistPage }[page] || null;
    if (!run) return;
    run().catch(function () {
      setStatus("");
      setAlert("Something went wrong on this page. Please reload it.");
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
