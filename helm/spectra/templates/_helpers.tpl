{{/* Names ---------------------------------------------------------------------------------- */}}

{{- define "spectra.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spectra.fullname" -}}
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

{{- define "spectra.secretName" -}}
{{- default (include "spectra.fullname" .) .Values.existingSecret.name }}
{{- end }}

{{- define "spectra.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "spectra.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Labels --------------------------------------------------------------------------------- */}}

{{- define "spectra.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "spectra.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: spectra
{{- end }}

{{- define "spectra.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spectra.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one component; call with (dict "root" $ "component" "api"). */}}
{{- define "spectra.componentSelectorLabels" -}}
{{ include "spectra.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Images ---------------------------------------------------------------------------------- */}}

{{- define "spectra.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Image of a worker pool: the pool's own image, else the CUDA variant for GPU pools. */}}
{{- define "spectra.poolImage" -}}
{{- $root := .root }}{{- $pool := .pool }}
{{- $img := default dict $pool.image }}
{{- $repo := default $root.Values.image.repository $img.repository }}
{{- $tag := default $root.Chart.AppVersion $root.Values.image.tag }}
{{- if eq $pool.accelerator "gpu" }}{{- $tag = printf "%s%s" $tag $root.Values.image.cudaTagSuffix }}{{- end }}
{{- printf "%s:%s" $repo (default $tag $img.tag) }}
{{- end }}

{{/* Effective pool: each top-level key from the pool, else from workerDefaults (shallow, so a
     pool's resources replace the default resources instead of being merged into them). */}}
{{- define "spectra.effectivePool" -}}
{{- $root := .root }}{{- $pool := .pool }}
{{- $out := dict }}
{{- range $k, $v := $root.Values.workerDefaults }}
{{- $_ := set $out $k (ternary (get $pool $k) $v (hasKey $pool $k)) }}
{{- end }}
{{- range $k, $v := $pool }}
{{- if not (hasKey $out $k) }}{{- $_ := set $out $k $v }}{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* Database ----------------------------------------------------------------------------- */}}

{{- define "spectra.postgresqlHost" -}}
{{- printf "%s-postgresql" (include "spectra.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spectra.jdbcUrl" -}}
{{- $db := .Values.database }}
{{- if $db.url }}
{{- $db.url }}
{{- else }}
{{- $host := $db.host }}
{{- if .Values.postgresql.enabled }}{{- $host = include "spectra.postgresqlHost" . }}{{- end }}
{{- $host = required "database.host is required (or database.url, or postgresql.enabled=true for a bundled trial database)" $host }}
{{- printf "jdbc:postgresql://%s:%v/%s%s" $host $db.port $db.name (ternary (printf "?%s" $db.params) "" (ne $db.params "")) }}
{{- end }}
{{- end }}

{{/* Environment shared by every Spectra container: DB connection (credentials from the Secret,
     never inlined), bootstrap token, management port, JVM flags. */}}
{{- define "spectra.commonEnv" -}}
- name: SPECTRA_DB_URL
  value: {{ include "spectra.jdbcUrl" . | quote }}
{{ include "spectra.dbCredentialEnv" (dict "root" . "userVar" "SPECTRA_DB_USER" "passwordVar" "SPECTRA_DB_PASSWORD") | trim }}
- name: SPECTRA_BOOTSTRAP_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "spectra.secretName" . }}
      key: {{ ternary .Values.existingSecret.bootstrapTokenKey "bootstrap-token" (ne .Values.existingSecret.name "") }}
- name: MANAGEMENT_SERVER_PORT
  value: {{ .Values.management.port | quote }}
- name: JAVA_OPTS
  value: {{ .Values.javaOpts | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* DB user and password env vars read from the Secret (the user may instead be a plain value
     when an existingSecret has no user key). */}}
{{- define "spectra.dbCredentialEnv" -}}
{{- $v := .root.Values }}
{{- $existing := ne $v.existingSecret.name "" }}
{{- if and $existing (not $v.existingSecret.userKey) }}
- name: {{ .userVar }}
  value: {{ $v.database.user | quote }}
{{- else }}
- name: {{ .userVar }}
  valueFrom:
    secretKeyRef:
      name: {{ include "spectra.secretName" .root }}
      key: {{ ternary $v.existingSecret.userKey "db-user" $existing }}
{{- end }}
- name: {{ .passwordVar }}
  valueFrom:
    secretKeyRef:
      name: {{ include "spectra.secretName" .root }}
      key: {{ ternary $v.existingSecret.passwordKey "db-password" $existing }}
{{- end }}

{{/* Ports, probes and volumes shared by api and worker containers. */}}
{{- define "spectra.managementPort" -}}
- name: management
  containerPort: {{ .Values.management.port }}
  protocol: TCP
{{- end }}

{{- define "spectra.probes" -}}
{{- $p := .probes }}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: management
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end }}

{{- define "spectra.prometheusAnnotations" -}}
{{- if .Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.management.port | quote }}
prometheus.io/path: /actuator/prometheus
{{- end }}
{{- end }}

{{- define "spectra.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpDirSizeLimit }}
{{- end }}

{{- define "spectra.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* Arguments that make the service image apply pending Flyway migrations and exit. */}}
{{- define "spectra.migrateArgs" -}}
- --spring.main.web-application-type=none
- --spectra.api.enabled=false
- --spectra.worker.enabled=false
{{- end }}

{{/* Init container that waits for the bundled PostgreSQL (trial setups only). */}}
{{- define "spectra.waitForPostgres" -}}
- name: wait-for-postgres
  image: "{{ .Values.postgresql.image.repository }}:{{ .Values.postgresql.image.tag }}"
  imagePullPolicy: {{ .Values.postgresql.image.pullPolicy }}
  command: ["sh", "-c", "until pg_isready -h {{ include "spectra.postgresqlHost" . }} -p {{ .Values.database.port }} -U \"$PGUSER\"; do sleep 2; done"]
  env:
    - name: PGUSER
      value: {{ .Values.database.user | quote }}
  securityContext:
    {{- toYaml .Values.containerSecurityContext | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 16Mi
    limits:
      memory: 64Mi
{{- end }}

{{/* Cross-field checks the schema cannot express, with messages that say what to change. */}}
{{- define "spectra.validate" -}}
{{- if and (eq .Values.migrations.mode "job") .Values.postgresql.enabled }}
{{- fail "migrations.mode=job needs an external database: the bundled PostgreSQL does not exist yet when the pre-install hook runs; use migrations.mode=startup with postgresql.enabled" }}
{{- end }}
{{- if and .Values.api.autoscaling.enabled (lt (int .Values.api.autoscaling.maxReplicas) (int .Values.api.autoscaling.minReplicas)) }}
{{- fail "api.autoscaling.maxReplicas must be >= api.autoscaling.minReplicas" }}
{{- end }}
{{- if eq (int .Values.management.port) (int .Values.api.service.port) }}
{{- fail "management.port must differ from api.service.port" }}
{{- end }}
{{- end }}
