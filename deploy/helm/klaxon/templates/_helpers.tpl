{{/* Chart name, truncated to 63 characters (a DNS label). */}}
{{- define "klaxon.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-klaxon, or the release name alone when it already contains "klaxon". */}}
{{- define "klaxon.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "klaxon.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "klaxon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: klaxon
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "email"). */}}
{{- define "klaxon.selectorLabels" -}}
app.kubernetes.io/name: {{ include "klaxon.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
What each worker runs. Not a value: it is what the image's executables are. The queue is the
work queue (without the namespace prefix) that KEDA scales on. Every process serves its health
endpoints and metrics on KLAXON_HEALTH_LISTEN (port 9090, named health); the gateway also
takes requests on httpPort (gateway.listen), and keeps health apart from it so probes and
scrapes answer while senders fill that port.
*/}}
{{- define "klaxon.workerTable" -}}
gateway:  {command: [klaxon-gateway], port: 9090, portName: health, httpPort: 8080}
dedup:    {command: [klaxon-dedup], queue: alerts.ingest, port: 9090, portName: health}
router:   {command: [klaxon-router], queue: alerts.route, port: 9090, portName: health}
email:    {command: [klaxon-email], queue: notify.email, port: 9090, portName: health}
escalator: {command: [klaxon-escalator], queue: escalations, port: 9090, portName: health}
voice:    {command: [klaxon-voice, --channel, voice], queue: notify.voice, port: 9090, portName: health}
sms:      {command: [klaxon-voice, --channel, sms], queue: notify.sms, port: 9090, portName: health}
dingtalk: {command: [klaxon-chat, --channel, dingtalk], queue: notify.dingtalk, port: 9090, portName: health}
wecom:    {command: [klaxon-chat, --channel, wecom], queue: notify.wecom, port: 9090, portName: health}
feishu:   {command: [klaxon-chat, --channel, feishu], queue: notify.feishu, port: 9090, portName: health}
shift:    {command: [klaxon-shift], port: 9090, portName: health}
{{- end }}

{{/* The enabled workers as a JSON list of {name, values, spec}; every template ranges over it. */}}
{{- define "klaxon.enabledWorkers" -}}
{{- $table := include "klaxon.workerTable" . | fromYaml }}
{{- $out := list }}
{{- range $name, $w := .Values.workers }}
{{- if not (hasKey $table $name) }}
{{- fail (printf "workers.%s: unknown worker; known: %s" $name (keys $table | sortAlpha | join ", ")) }}
{{- end }}
{{- if $w.enabled }}
{{- $spec := get $table $name }}
{{- if and $w.autoscaling.enabled (eq $w.autoscaling.type "keda") (not $spec.queue) }}
{{- fail (printf "workers.%s.autoscaling.type=keda: %s consumes no queue; use type hpa" $name $name) }}
{{- end }}
{{- $out = append $out (dict "name" $name "values" $w "spec" $spec) }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{/* Name of the Secret every Klaxon pod loads as environment variables. */}}
{{- define "klaxon.secretName" -}}
{{- default (include "klaxon.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "klaxon.rabbitmqHost" -}}
{{- if .Values.rabbitmq.bundled.enabled }}{{ include "klaxon.fullname" . }}-rabbitmq{{ else }}{{ required "rabbitmq.host is required (or set rabbitmq.bundled.enabled=true for a trial)" .Values.rabbitmq.host }}{{ end }}
{{- end }}

{{- define "klaxon.rabbitmqPort" -}}
{{- if .Values.rabbitmq.bundled.enabled }}5672{{ else if .Values.rabbitmq.port }}{{ .Values.rabbitmq.port }}{{ else if .Values.rabbitmq.tls }}5671{{ else }}5672{{ end }}
{{- end }}

{{/* amqp[s]://user:password@host:port/vhost, the value of KLAXON_BROKER_URL (Secret only). */}}
{{- define "klaxon.brokerURL" -}}
{{- $r := .Values.rabbitmq }}
{{- $scheme := ternary "amqps" "amqp" (and $r.tls (not $r.bundled.enabled)) }}
{{- $password := required "rabbitmq.password is required (or name a secrets.existingSecret holding KLAXON_BROKER_URL)" $r.password }}
{{- printf "%s://%s:%s@%s:%s/%s" $scheme (urlquery $r.username) (urlquery $password) (include "klaxon.rabbitmqHost" .) (include "klaxon.rabbitmqPort" .) (urlquery $r.vhost) }}
{{- end }}

{{- define "klaxon.redisHost" -}}
{{- if .Values.redis.bundled.enabled }}{{ include "klaxon.fullname" . }}-redis{{ else }}{{ required "redis.host is required (or set redis.bundled.enabled=true for a trial)" .Values.redis.host }}{{ end }}
{{- end }}

{{/*
The Klaxon config file: .Values.config with the connection keys the chart owns filled in.
Credentials never land here: the broker URL and Redis password are named by *_env keys and
live in the Secret.
*/}}
{{- define "klaxon.config" -}}
{{- $cfg := deepCopy (.Values.config | default dict) }}
{{- $broker := $cfg.broker | default dict }}
{{- range list "url" "url_env" }}
{{- if hasKey $broker . }}{{ fail (printf "config.broker.%s: the chart sets the broker from rabbitmq.* (URL in the Secret as KLAXON_BROKER_URL); remove it" .) }}{{ end }}
{{- end }}
{{- $_ := set $broker "url_env" "KLAXON_BROKER_URL" }}
{{- $_ := set $cfg "broker" $broker }}
{{- $redis := $cfg.redis | default dict }}
{{- range list "host" "port" "database" "password_env" }}
{{- if hasKey $redis . }}{{ fail (printf "config.redis.%s: the chart sets it from redis.*; remove it" .) }}{{ end }}
{{- end }}
{{- if .Values.redis.tls }}
{{- fail "redis.tls: Klaxon's config has no Redis TLS option yet; use a TLS-terminating proxy or leave it false" }}
{{- end }}
{{- $_ := set $redis "host" (include "klaxon.redisHost" .) }}
{{- $_ := set $redis "port" (ternary 6379 (int .Values.redis.port) .Values.redis.bundled.enabled) }}
{{- $_ := set $redis "database" (int .Values.redis.database) }}
{{- if .Values.redis.auth.enabled }}
{{- $_ := set $redis "password_env" "KLAXON_REDIS_PASSWORD" }}
{{- end }}
{{- $_ := set $cfg "redis" $redis }}
{{- $gateway := $cfg.gateway | default dict }}
{{- if hasKey $gateway "listen" }}
{{- fail "config.gateway.listen: the chart sets it to 0.0.0.0:8080 (the container port); remove it" }}
{{- end }}
{{- $_ := set $gateway "listen" "0.0.0.0:8080" }}
{{- $_ := set $cfg "gateway" $gateway }}
{{- toYaml $cfg }}
{{- end }}

{{/* Every environment variable the config names (*_env keys), so a chart-made Secret can be checked. */}}
{{- define "klaxon.configSecretNames" -}}
{{- $names := list }}
{{- range (.Values.config.integrations | default list) }}
{{- if .token_env }}{{ $names = append $names .token_env }}{{ end }}
{{- end }}
{{- range $section, $body := (.Values.config | default dict) }}
{{- if kindIs "map" $body }}
{{- range $k, $v := $body }}
{{- if and (hasSuffix "_env" $k) (kindIs "string" $v) }}{{ $names = append $names $v }}{{ end }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $names }}
{{- end }}

{{/* Pod security context shared by every Klaxon pod. */}}
{{- define "klaxon.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Container security context; the uid defaults to Klaxon's and is overridden for the bundled servers. */}}
{{- define "klaxon.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 10001 }}
runAsGroup: {{ .uid | default 10001 }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}
