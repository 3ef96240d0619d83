{{/* Chart name, overridable. */}}
{{- define "confwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: the release name, plus the chart name unless the release name contains it. */}}
{{- define "confwatch.fullname" -}}
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

{{/* The headless Service: per-pod DNS names, and the StatefulSet's governing Service. */}}
{{- define "confwatch.headlessName" -}}
{{- printf "%s-headless" (include "confwatch.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels selecting the worker pods; never change them in an upgrade (selectors are immutable). */}}
{{- define "confwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "confwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "confwatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "confwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: confwatch
{{- end }}

{{- define "confwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "confwatch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image, by digest when one is given. */}}
{{- define "confwatch.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret the chart makes for the worker (database password, admin token), when it makes one. */}}
{{- define "confwatch.secretName" -}}
{{- include "confwatch.fullname" . }}
{{- end }}

{{- define "confwatch.createsSecret" -}}
{{- if or (and (not .Values.database.password.existingSecret) .Values.database.password.value) (and (not .Values.admin.token.existingSecret) .Values.admin.token.value) }}true{{- end }}
{{- end }}

{{/* Where the worker's database password comes from: "name key", or empty for none. */}}
{{- define "confwatch.passwordRef" -}}
{{- if .Values.database.password.existingSecret }}
{{- printf "%s %s" .Values.database.password.existingSecret .Values.database.password.key }}
{{- else if .Values.database.password.value }}
{{- printf "%s pgpassword" (include "confwatch.secretName" .) }}
{{- end }}
{{- end }}

{{/* Where the admin token comes from: "name key", or empty for none. */}}
{{- define "confwatch.adminTokenRef" -}}
{{- if .Values.admin.token.existingSecret }}
{{- printf "%s %s" .Values.admin.token.existingSecret .Values.admin.token.key }}
{{- else if .Values.admin.token.value }}
{{- printf "%s admin-token" (include "confwatch.secretName" .) }}
{{- end }}
{{- end }}

{{/* Where the migrator's password comes from: "name key", or empty for none. */}}
{{- define "confwatch.migratorPasswordRef" -}}
{{- if .Values.migrations.password.existingSecret }}
{{- printf "%s %s" .Values.migrations.password.existingSecret .Values.migrations.password.key }}
{{- else if .Values.migrations.password.value }}
{{- printf "%s-migrator password" (include "confwatch.fullname" .) }}
{{- end }}
{{- end }}

{{/* An env entry reading "name key" (from one of the *Ref helpers above) out of a Secret. */}}
{{- define "confwatch.secretEnv" -}}
{{- $ref := splitList " " .ref }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ index $ref 0 }}
      key: {{ index $ref 1 }}
{{- end }}

{{/* libpq connection variables shared by the worker and the migration Job (not user or password). */}}
{{- define "confwatch.databaseEnv" -}}
- name: PGHOST
  value: {{ .Values.database.host | quote }}
- name: PGPORT
  value: {{ .Values.database.port | quote }}
- name: PGDATABASE
  value: {{ .Values.database.name | quote }}
- name: PGSSLMODE
  value: {{ .Values.database.sslMode | quote }}
{{- end }}

{{/*
TLS files from Secrets (DESIGN §6): the CA bundle (database.tls) and a client certificate, whose values
(clientSecret, certKey, keyKey) are passed as .client: database.tls for the workers, migrations.tls for the Job.
Called with (dict "root" $ "client" <values>).
*/}}
{{- define "confwatch.tlsEnv" -}}
{{- if .root.Values.database.tls.caSecret }}
- name: PGSSLROOTCERT
  value: /etc/confwatch/tls/ca/ca.crt
{{- end }}
{{- if .client.clientSecret }}
- name: PGSSLCERT
  value: /etc/confwatch/tls/client/tls.crt
- name: PGSSLKEY
  value: /etc/confwatch/tls/client/tls.key
{{- end }}
{{- end }}

{{- define "confwatch.tlsMounts" -}}
{{- if .root.Values.database.tls.caSecret }}
- name: tls-ca
  mountPath: /etc/confwatch/tls/ca
  readOnly: true
{{- end }}
{{- if .client.clientSecret }}
- name: tls-client
  mountPath: /etc/confwatch/tls/client
  readOnly: true
{{- end }}
{{- end }}

{{- define "confwatch.tlsVolumes" -}}
{{- with .root.Values.database.tls.caSecret }}
- name: tls-ca
  secret:
    secretName: {{ . }}
    defaultMode: 0444
    items:
      - key: {{ $.root.Values.database.tls.caKey }}
        path: ca.crt
{{- end }}
{{- if .client.clientSecret }}
# The key is readable by the pod's fsGroup only (owner root, group fsGroup, mode 0440).
- name: tls-client
  secret:
    secretName: {{ .client.clientSecret }}
    defaultMode: 0440
    items:
      - key: {{ .client.certKey }}
        path: tls.crt
      - key: {{ .client.keyKey }}
        path: tls.key
{{- end }}
{{- end }}

{{/* The /tmp volume: the only writable path (JVM perf data, Vert.x file cache, embedded binaries). */}}
{{- define "confwatch.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{/* Series of this release in alert expressions. */}}
{{- define "confwatch.seriesSelector" -}}
{{- if .Values.prometheusRule.seriesSelector }}
{{- .Values.prometheusRule.seriesSelector }}
{{- else }}
{{- printf "namespace=%q,job=%q" .Release.Namespace (include "confwatch.fullname" .) }}
{{- end }}
{{- end }}
