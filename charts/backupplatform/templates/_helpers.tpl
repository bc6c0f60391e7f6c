{{- define "backupplatform.env" -}}
- name: BackupPlatform__Database__Provider
  value: postgres
- name: BackupPlatform__Database__ConnectionString
  value: {{ .Values.database.connectionString | quote }}
- name: BackupPlatform__Bus__Transport
  value: rabbitmq
- name: BackupPlatform__Bus__RabbitMqUri
  value: {{ .Values.bus.rabbitMqUri | quote }}
- name: BackupPlatform__Volumes__Path
  value: /var/lib/backupplatform/volumes
- name: BackupPlatform__Store__Posix__Path
  value: /var/lib/backupplatform/backups
- name: BackupPlatform__VolumeService__ServiceToken
  value: {{ .Values.volumeServiceToken | quote }}
- name: ASPNETCORE_URLS
  value: http://0.0.0.0:8080
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Every service answers /alive (the process runs) and /health (its database, bus and, for a worker, store reachable). */}}
{{- define "backupplatform.probes" -}}
livenessProbe:
  httpGet: { path: /alive, port: 8080 }
  periodSeconds: 10
  failureThreshold: 6
readinessProbe:
  httpGet: { path: /health, port: 8080 }
  periodSeconds: 10
{{- end -}}
