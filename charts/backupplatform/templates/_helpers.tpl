{{/* Names: every object name is a DNS label, so at most 63 characters however long the release name. */}}
{{- define "backupplatform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "backupplatform.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<suffix>, the fullname cut so that the whole fits in .max (63 unless said). */}}
{{- define "backupplatform.componentName" -}}
{{- $max := default 63 .max -}}
{{- $prefix := include "backupplatform.fullname" .root | trunc (int (sub (sub $max (len .suffix)) 1)) | trimSuffix "-" -}}
{{- printf "%s-%s" $prefix .suffix -}}
{{- end -}}

{{/*
A pool's StatefulSet name, which is also the prefix of its workers' host names. At most 52 characters:
the controller adds "-<10-character revision hash>" to it in a label, which must fit in 63.
*/}}
{{- define "backupplatform.workerName" -}}
{{- include "backupplatform.componentName" (dict "root" .root "suffix" (printf "worker-%s" .pool.name) "max" 52) -}}
{{- end -}}

{{- define "backupplatform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Helm's recommended labels; .component is api, scheduler, worker, volume-service, migrations. */}}
{{- define "backupplatform.labels" -}}
helm.sh/chart: {{ include "backupplatform.chart" .root }}
{{ include "backupplatform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: backupplatform
{{- end -}}

{{- define "backupplatform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "backupplatform.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- with .pool }}
backupplatform/worker-pool: {{ .name }}
{{- end }}
{{- end -}}

{{- define "backupplatform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "backupplatform.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* backupplatform/<service>:<tag>, under the registry when one is set. */}}
{{- define "backupplatform.image" -}}
{{- $image := printf "%s/%s:%s" .root.Values.image.repository .service (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s" (trimSuffix "/" .root.Values.image.registry) $image -}}
{{- else -}}
{{- $image -}}
{{- end -}}
{{- end -}}

{{/* The chart's own Secret: the values given literally, and the generated service token. */}}
{{- define "backupplatform.secretName" -}}
{{- include "backupplatform.fullname" . -}}
{{- end -}}

{{- define "backupplatform.volumeServiceUrl" -}}
{{- if .Values.volumeService.enabled -}}
{{- printf "http://%s:8080" (include "backupplatform.componentName" (dict "root" . "suffix" "volume-service")) -}}
{{- else -}}
{{- required "volumeService.externalUrl is required when volumeService.enabled is false" .Values.volumeService.externalUrl -}}
{{- end -}}
{{- end -}}

{{- define "backupplatform.managementUrl" -}}
{{- default (printf "http://%s:15672/" .Values.bus.host) .Values.bus.managementUrl -}}
{{- end -}}

{{/*
What a service needs to reach its database. The password comes from a Secret into a variable that the
connection string then names ($(VAR) is expanded by the kubelet), so no pod spec holds one.
Arguments: root; migrate (Wait for the services, Only for the migration Job); secret (the Secret that
holds database-password when no existingSecret is given: the chart's, or the migration hook's own).
*/}}
{{- define "backupplatform.databaseEnv" -}}
{{- $v := .root.Values -}}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ default .secret $v.database.existingSecret }}
      key: {{ ternary $v.database.existingSecretPasswordKey "database-password" (ne $v.database.existingSecret "") }}
- name: BackupPlatform__Database__Provider
  value: postgres
- name: BackupPlatform__Database__ConnectionString
  value: {{ printf "Host=%s;Port=%v;Database=%s;Username=%s;Password=\"$(DATABASE_PASSWORD)\"%s" $v.database.host $v.database.port $v.database.name $v.database.username (ternary (printf ";%s" $v.database.options) "" (ne $v.database.options "")) | quote }}
- name: BackupPlatform__Database__Migrate
  value: {{ .migrate }}
{{- end -}}

{{/* The bus, the same way: the password in a variable the AMQP URI names. */}}
{{- define "backupplatform.busEnv" -}}
{{- $v := .Values -}}
- name: RABBITMQ_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ default (include "backupplatform.secretName" .) $v.bus.existingSecret }}
      key: {{ ternary $v.bus.existingSecretPasswordKey "rabbitmq-password" (ne $v.bus.existingSecret "") }}
- name: BackupPlatform__Bus__Transport
  value: rabbitmq
- name: BackupPlatform__Bus__RabbitMqUri
  value: {{ printf "amqp://%s:$(RABBITMQ_PASSWORD)@%s:%v/%s" $v.bus.username $v.bus.host $v.bus.port (ternary "" (urlquery $v.bus.vhost) (eq $v.bus.vhost "/")) | quote }}
- name: BackupPlatform__Bus__ManagementUrl
  value: {{ include "backupplatform.managementUrl" . | quote }}
{{- end -}}

{{/* Settings every long-running service shares: the above, the volume service, auth, telemetry, extraEnv. */}}
{{- define "backupplatform.env" -}}
{{- $v := .root.Values -}}
{{ include "backupplatform.databaseEnv" (dict "root" .root "migrate" "Wait" "secret" (include "backupplatform.secretName" .root)) }}
{{ include "backupplatform.busEnv" .root }}
- name: BackupPlatform__VolumeService__Url
  value: {{ include "backupplatform.volumeServiceUrl" .root | quote }}
- name: BackupPlatform__VolumeService__ServiceToken
  valueFrom:
    secretKeyRef:
      name: {{ default (include "backupplatform.secretName" .root) $v.volumeService.existingSecret }}
      key: {{ ternary $v.volumeService.existingSecretKey "service-token" (ne $v.volumeService.existingSecret "") }}
- name: BackupPlatform__Auth__Mode
  value: {{ $v.auth.mode | quote }}
{{- range $i, $user := $v.auth.adminUsers }}
- name: BackupPlatform__Auth__AdminUsers__{{ $i }}
  value: {{ $user | quote }}
{{- end }}
- name: BackupPlatform__Scheduler__ServiceDownTime
  value: {{ $v.scheduler.serviceDownTime | quote }}
- name: ASPNETCORE_URLS
  value: http://+:8080
{{- with $v.telemetry.otlpEndpoint }}
- name: BackupPlatform__Telemetry__OtlpEndpoint
  value: {{ . | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Every service answers /alive (the process runs) and /health (its database, bus and, for a worker, store reachable). */}}
{{- define "backupplatform.probes" -}}
{{- $p := .Values.probes -}}
startupProbe:
  httpGet: { path: /alive, port: http }
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet: { path: /alive, port: http }
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet: { path: /health, port: http }
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end -}}

{{/* The pod-level part every pod shares. */}}
{{- define "backupplatform.podSpec" -}}
serviceAccountName: {{ include "backupplatform.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The data claim's name, made by the chart or yours. */}}
{{- define "backupplatform.claimName" -}}
{{- default (include "backupplatform.componentName" (dict "root" . "suffix" "data")) .Values.persistence.existingClaim -}}
{{- end -}}

{{/* Seconds as a .NET TimeSpan (d.hh:mm:ss): a bare number would read as days. */}}
{{- define "backupplatform.timespan" -}}
{{- $s := int . -}}
{{- printf "%d.%02d:%02d:%02d" (div $s 86400) (mod (div $s 3600) 24) (mod (div $s 60) 60) (mod $s 60) -}}
{{- end -}}

{{/*
.over laid over .base, key by key at every depth. (Sprig's merge functions skip false and empty values
of the overlay, so a pool could not turn off what the defaults turn on.)
*/}}
{{- define "backupplatform.merge" -}}
{{- $out := deepCopy .base -}}
{{- range $k, $v := .over -}}
{{- $b := get $out $k -}}
{{- if and (kindIs "map" $v) (kindIs "map" $b) -}}
{{- $_ := set $out $k (fromYaml (include "backupplatform.merge" (dict "base" $b "over" $v))) -}}
{{- else -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* A pool with workerDefaults under it, and its store with the global store under that. */}}
{{- define "backupplatform.pool" -}}
{{- $pool := fromYaml (include "backupplatform.merge" (dict "base" .root.Values.workerDefaults "over" .pool)) -}}
{{- $_ := set $pool "store" (fromYaml (include "backupplatform.merge" (dict "base" .root.Values.store "over" (default dict $pool.store)))) -}}
{{- toYaml $pool -}}
{{- end -}}
