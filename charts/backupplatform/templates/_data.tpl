{{/* The data claim as a pod volume (an emptyDir when persistence is off: development only, lost with the pod). */}}
{{- define "backupplatform.dataVolume" -}}
- name: data
  {{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "backupplatform.claimName" . }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end -}}
