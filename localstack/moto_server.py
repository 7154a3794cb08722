"""moto's server, with SES sending events.

moto emulates SESv2's SendEmail but publishes none of the events a configuration set sends
to its destinations in AWS. The e-mail worker relies on one of them: the `Send` event, which
says SES accepted a mail and carries its message tags (the notification's idempotency key,
docs/EMAIL.md). This launcher adds, before starting moto's own server unchanged:

- SESv2 `CreateConfigurationSetEventDestination` (moto lacks it) for SNS destinations;
- on SendEmail with a `ConfigurationSetName`, once moto has accepted the mail, a `Send` event
  published to each enabled SNS destination of that set that matches `SEND`, shaped as AWS
  publishes it (eventType, mail.messageId, mail.destination, mail.tags including
  `ses:configuration-set` and the request's EmailTags).

Usage: python moto_server.py -H HOST -p PORT (moto_server's arguments)."""

import datetime
import json
import re
import urllib.parse

import moto.sesv2.urls
from moto.server import main
from moto.sesv2.responses import SESV2Response
from moto.sns.models import sns_backends

# (account, region, configuration set) -> {destination name: destination}
DESTINATIONS = {}

_EVENT_DESTINATIONS_PATH = re.compile(r"/v2/email/configuration-sets/([^/]+)/event-destinations/?$")


def create_configuration_set_event_destination(self):
    match = _EVENT_DESTINATIONS_PATH.search(urllib.parse.urlparse(self.uri).path)
    if not match:
        raise ValueError(f"not an event destinations path: {self.uri}")
    config_set = urllib.parse.unquote(match.group(1))
    params = json.loads(self.body or "{}")
    key = (self.current_account, self.region, config_set)
    DESTINATIONS.setdefault(key, {})[params["EventDestinationName"]] = params["EventDestination"]
    return json.dumps({})


def _tag_value(value):
    # SES keeps tag values to these characters, as it does for the ones it adds.
    return re.sub(r"[^A-Za-z0-9_\-.@]", "_", value)


def _publish_send_event(response, params, message_id):
    config_set = params.get("ConfigurationSetName")
    if not config_set:
        return
    destinations = DESTINATIONS.get((response.current_account, response.region, config_set), {})
    sender = params.get("FromEmailAddress", "")
    to = params.get("Destination", {}).get("ToAddresses", [])
    tags = {
        "ses:configuration-set": [config_set],
        "ses:source-ip": ["127.0.0.1"],
        "ses:from-domain": [sender.rsplit("@", 1)[-1]],
        "ses:caller-identity": ["local"],
    }
    for tag in params.get("EmailTags", []):
        tags[tag["Name"]] = [_tag_value(tag["Value"])]
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
    event = {
        "eventType": "Send",
        "mail": {
            "timestamp": now.replace("+00:00", "Z"),
            "source": sender,
            "sendingAccountId": response.current_account,
            "messageId": message_id,
            "destination": to,
            "headersTruncated": False,
            "headers": [],
            "commonHeaders": {"from": [sender], "to": to},
            "tags": tags,
        },
        "send": {},
    }
    for destination in destinations.values():
        wanted = [t.upper() for t in destination.get("MatchingEventTypes", [])]
        sns = destination.get("SnsDestination")
        if destination.get("Enabled", True) and "SEND" in wanted and sns:
            backend = sns_backends[response.current_account][response.region]
            backend.publish(json.dumps(event), arn=sns["TopicArn"])


_send_email = SESV2Response.send_email


def send_email(self):
    answer = _send_email(self)
    _publish_send_event(self, json.loads(self.body), json.loads(answer)["MessageId"])
    return answer


SESV2Response.create_configuration_set_event_destination = create_configuration_set_event_destination
moto.sesv2.urls.url_paths[
    "{0}/v2/email/configuration-sets/(?P<ConfigurationSetName>[^/]+)/event-destinations$"
] = SESV2Response.dispatch
SESV2Response.send_email = send_email

if __name__ == "__main__":
    main()
