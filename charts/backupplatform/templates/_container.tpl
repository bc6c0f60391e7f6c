{{/*
The parts of a service container every service shares: image, port, probes, security, /tmp.
Arguments: root, service (image name), resources.
*/}}
{{- define "backupplatform.container" -}}
image: {{ include "backupplatform.image" (dict "root" .root "service" .service) | quote }}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
ports:
  - { name: http, containerPort: 8080, protocol: TCP }
{{ include "backupplatform.probes" .root }}
securityContext:
  {{- toYaml .root.Values.securityContext | nindent 2 }}
resources:
  {{- toYaml .resources | nindent 2 }}
{{- with .root.Values.extraEnvFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Annotations that roll the pods when the Secret changes. */}}
{{- define "backupplatform.podAnnotations" -}}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}
