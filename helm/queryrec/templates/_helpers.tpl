{{/*
Expand the name of the chart.
*/}}
{{- define "queryrec.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name, truncated at 63 characters (the DNS name limit).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "queryrec.fullname" -}}
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

{{/*
Chart name and version as used by the chart label.
*/}}
{{- define "queryrec.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "queryrec.labels" -}}
helm.sh/chart: {{ include "queryrec.chart" . }}
{{ include "queryrec.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "queryrec.selectorLabels" -}}
app.kubernetes.io/name: {{ include "queryrec.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the service account to use.
*/}}
{{- define "queryrec.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "queryrec.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Secret and key of the Redis password: the existing Secret when named, else the chart's own (secret.yaml).
*/}}
{{- define "queryrec.redisPasswordSecret" -}}
{{- if .Values.redis.password.existingSecret }}
{{- .Values.redis.password.existingSecret }}
{{- else }}
{{- printf "%s-redis" (include "queryrec.fullname" .) }}
{{- end }}
{{- end }}

{{- define "queryrec.redisPasswordKey" -}}
{{- if .Values.redis.password.existingSecret }}
{{- .Values.redis.password.existingSecretKey }}
{{- else }}
{{- "password" }}
{{- end }}
{{- end }}

{{/*
The StackExchange.Redis configuration string of QueryRec__Store__Redis: the endpoints (one, or Cluster nodes),
then AUTH and TLS options. The password is not in it: Kubernetes substitutes $(QUERYREC_REDIS_PASSWORD), an earlier
variable of the container read from the Secret. TLS files are where deployment.yaml mounts the TLS Secret.
*/}}
{{- define "queryrec.redisConfiguration" -}}
{{- $parts := list (join "," .Values.redis.endpoints) }}
{{- with .Values.redis.user }}
{{- $parts = append $parts (printf "user=%s" .) }}
{{- end }}
{{- if or .Values.redis.password.existingSecret .Values.redis.password.value }}
{{- $parts = append $parts "password=$(QUERYREC_REDIS_PASSWORD)" }}
{{- end }}
{{- if .Values.redis.tls.enabled }}
{{- $parts = append $parts "ssl=true" }}
{{- with .Values.redis.tls.sslHost }}
{{- $parts = append $parts (printf "sslHost=%s" .) }}
{{- end }}
{{- if .Values.redis.tls.existingSecret }}
{{- with .Values.redis.tls.caKey }}
{{- $parts = append $parts (printf "tlsCaFile=/etc/queryrec/redis-tls/%s" .) }}
{{- end }}
{{- if and .Values.redis.tls.certKey .Values.redis.tls.keyKey }}
{{- $parts = append $parts (printf "tlsCertFile=/etc/queryrec/redis-tls/%s" .Values.redis.tls.certKey) }}
{{- $parts = append $parts (printf "tlsKeyFile=/etc/queryrec/redis-tls/%s" .Values.redis.tls.keyKey) }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.redis.extraOptions }}
{{- $parts = append $parts . }}
{{- end }}
{{- join "," $parts }}
{{- end }}

{{/*
OTEL_RESOURCE_ATTRIBUTES from a map: key=value pairs joined by commas, in key order.
*/}}
{{- define "queryrec.resourceAttributes" -}}
{{- $pairs := list }}
{{- range $key, $value := .Values.otel.resourceAttributes }}
{{- $pairs = append $pairs (printf "%s=%v" $key $value) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/*
The indexer image of the partitioned build's Jobs (deploy/Dockerfile, target "indexer").
*/}}
{{- define "queryrec.indexerImage" -}}
{{ .Values.partitionedBuild.image.repository }}:{{ .Values.partitionedBuild.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
The Redis password variable, from the Secret, for containers whose Redis configuration refers to
$(QUERYREC_REDIS_PASSWORD) (it must be defined before it).
*/}}
{{- define "queryrec.redisPasswordEnv" -}}
{{- if or .Values.redis.password.existingSecret .Values.redis.password.value }}
- name: QUERYREC_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "queryrec.redisPasswordSecret" . }}
      key: {{ include "queryrec.redisPasswordKey" . }}
{{- end }}
{{- end }}
