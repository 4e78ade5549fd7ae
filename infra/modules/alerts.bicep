// Who is paged, and for what: an action group (e-mail addresses and/or a webhook) and one
// log search alert rule per condition an operator must act on, each querying the app's audit
// events by name (core/auditEvents.ts; the list is in docs/operations.md, "Log events") or the
// Durable Task extension's tracking events. Rules evaluate every 5 minutes over the last 5.
param location string
param tags object
@description('Resource id of the Application Insights component whose traces the rules query.')
param applicationInsightsId string
@description('E-mail addresses to notify, comma-separated; empty: none.')
param alertEmails string
@secure()
@description('Webhook (HTTPS) the action group calls with the common alert schema; empty: none.')
param alertWebhookUrl string
param namePrefix string

var emails = filter(map(split(alertEmails, ','), e => trim(e)), e => !empty(e))
var hasReceivers = !empty(emails) || !empty(alertWebhookUrl)

// BEGIN alert-queries
// One line of KQL per rule over Application Insights `traces`; the app's events start the
// message with their name (`RunHalted { cluster: 'prod', … }`). test/infra/alerts.test.ts
// parses each with the Kusto language service and checks the names against core/auditEvents.ts.
var alertQueries = {
  runHaltedOrBlocked: 'traces | where message startswith "RunHalted " or message startswith "RunBlocked " | extend event = extract(@"^(\\w+)", 1, message), cluster = extract(@"cluster: \'([^\']+)\'", 1, message), runId = extract(@"runId: \'([^\']+)\'", 1, message) | project timestamp, event, cluster, runId, message'
  nodeLeftCordoned: 'traces | where message startswith "NodeLeftCordoned " | extend cluster = extract(@"cluster: \'([^\']+)\'", 1, message), node = extract(@"node: \'([^\']+)\'", 1, message) | project timestamp, cluster, node, message'
  rebootFailed: 'traces | where message startswith "RebootFailed " | extend cluster = extract(@"cluster: \'([^\']+)\'", 1, message), node = extract(@"node: \'([^\']+)\'", 1, message), step = extract(@"step: \'([^\']+)\'", 1, message) | project timestamp, cluster, node, step, message'
  orchestrationFailed: 'traces | where tostring(customDimensions.Category) == "Host.Triggers.DurableTask" and tostring(customDimensions.prop__state) == "Failed" and tostring(customDimensions.prop__functionType) == "Orchestrator" | project timestamp, instanceId = tostring(customDimensions.prop__instanceId), functionName = tostring(customDimensions.prop__functionName), reason = tostring(customDimensions.prop__reason)'
}
// END alert-queries

var rules = [
  {
    key: 'runHaltedOrBlocked'
    title: 'Reboot run halted or blocked'
    description: 'A run stopped: a node failed (REBOOT_ON_FAILURE=halt, or it was left cordoned), the Lease went to another run, or blockers held it for REBOOT_BLOCKED_TIMEOUT. Read the run: GET /api/clusters/<alias>/reboots/<runId> (docs/operations.md, "Reading a failed run").'
    severity: 2
  }
  {
    key: 'nodeLeftCordoned'
    title: 'Node left cordoned after a failed reboot'
    description: 'A node did not come back and was left cordoned and annotated for an operator (docs/operations.md, "A node left cordoned").'
    severity: 1
  }
  {
    key: 'rebootFailed'
    title: 'Node reboot failed'
    description: 'A node reboot failed at some step; the message names the step and the reason (docs/operations.md, "Reading a failed run").'
    severity: 2
  }
  {
    key: 'orchestrationFailed'
    title: 'Orchestration failed'
    description: 'A durable orchestration (clusterLock, clusterReboot, nodeReboot) ended Failed: an unexpected error, not a planned outcome. Look at the instance in the dashboard and at exceptions in Application Insights.'
    severity: 1
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (hasReceivers) {
  name: '${namePrefix}-ag'
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'aksreboot'
    enabled: true
    emailReceivers: [for (email, i) in emails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
    webhookReceivers: empty(alertWebhookUrl) ? [] : [
      {
        name: 'webhook'
        serviceUri: alertWebhookUrl
        useCommonAlertSchema: true
      }
    ]
  }
}

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: '${namePrefix}-${rule.key}'
  location: location
  tags: tags
  properties: {
    displayName: rule.title
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: alertQueries[rule.key]
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Each firing is its own event to act on: no auto-resolve.
    autoMitigate: false
    actions: {
      actionGroups: hasReceivers ? [
        actionGroup.id
      ] : []
    }
  }
}]

output ruleNames array = [for (rule, i) in rules: alertRules[i].name]
