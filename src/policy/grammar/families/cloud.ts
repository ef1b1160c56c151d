import type { CommandNode, OptionValue, ToolGrammar } from '../spec.js';

/**
 * Cloud CLIs: only operations that describe or list, enumerated one by one (a `describe-*` or
 * `get-*` wildcard would include secrets). Each CLI reads some values as files: the AWS CLI loads
 * `file://`, `fileb://` and (v1) `http(s)://` parameter values, az loads `@file` (also `key=@file`),
 * gcloud expands a `--flags-file` word wherever it stands. Their value types refuse those forms and
 * any value starting with `-` (a word the CLI would read as an option of its own). Options that
 * redirect credentials or requests (--endpoint-url, --ca-bundle, --no-verify-ssl,
 * --impersonate-service-account, --access-token-file), log signed requests (--debug, --log-http) or
 * load input from files (--cli-input-json, --flags-file) are not declared.
 */

/** Refuses file://, fileb://, http(s):// paramfiles (and any other URL), v2 `key@=file://`, a leading `-`. */
const AWS_VALUE = /^(?![\s\S]*(?::\/\/|@=))[^\0-][^\0]{0,4095}$/;

/**
 * One AWS CLI operation from its parameters as the CLI's argument table declares them (generated
 * from awscli's own tables, then reviewed): `--name` takes one value, `--name#` an integer,
 * `--name?` is a flag, `--name!` a boolean flag with its `--no-name` twin, `--name:type` a value of
 * that type, and `--name*` a list. The CLI reads every following word into a list (nargs), while
 * the grammar takes one value per option: the node then also takes `aws-value*` operands, which the
 * CLI can only read as further list items (the operation has no positional parameter) or reject.
 * `%pages` is the CLI's pagination (--starting-token, --page-size, --max-items).
 */
function op(params: string, secret?: string): CommandNode {
  const options: Record<string, OptionValue> = {};
  let lists = false;
  for (const param of params.split(' ').filter(Boolean)) {
    if (param === '%pages') {
      Object.assign(options, { '--starting-token': 'aws-value', '--page-size --max-items': 'int' });
      continue;
    }
    const [, name = '', kind = '', type] = /^(--[a-z0-9-]+)([*#!?]?)(?::([a-z0-9-]+))?$/.exec(param) ?? [];
    if (!name) throw new Error(`aws grammar: ${param} is not a parameter`);
    if (kind === '!') options[`${name} --no-${name.slice(2)}`] = 'flag';
    else if (kind === '?') options[name] = 'flag';
    else if (kind === '#') options[name] = 'int';
    else options[name] = type ?? 'aws-value';
    if (kind === '*') lists = true;
  }
  return { options, ...(lists ? { operands: ['aws-value*'] } : {}), ...(secret ? { secret } : {}) };
}

/** aws SERVICE OPERATION: describe/list/get operations that print no credentials, per service. */
const AWS_SERVICES: Record<string, CommandNode> = {
  ec2: {
    subcommands: {
      'describe-instances': op(
        '--instance-ids* --include-managed-resources! --dry-run! --filters* --next-token --max-results# %pages',
      ),
      'describe-instance-status': op(
        '--instance-ids* --max-results# --next-token --include-managed-resources! --dry-run! --filters* --include-all-instances! %pages',
      ),
      'describe-volumes': op(
        '--volume-ids* --include-managed-resources! --dry-run! --filters* --next-token --max-results# %pages',
      ),
      'describe-volume-status': op(
        '--max-results# --next-token --volume-ids* --include-managed-resources! --dry-run! --filters* %pages',
      ),
      'describe-volumes-modifications': op(
        '--dry-run! --volume-ids* --filters* --next-token --max-results# %pages',
      ),
      'describe-security-groups': op(
        '--group-ids* --group-names* --next-token --max-results# --dry-run! --filters* %pages',
      ),
      'describe-security-group-rules': op(
        '--filters* --security-group-rule-ids* --dry-run! --next-token --max-results# %pages',
      ),
      'describe-subnets': op('--filters* --subnet-ids* --next-token --max-results# --dry-run! %pages'),
      'describe-vpcs': op('--filters* --vpc-ids* --next-token --max-results# --dry-run! %pages'),
      'describe-route-tables': op(
        '--next-token --max-results# --dry-run! --route-table-ids* --filters* %pages',
      ),
      'describe-network-interfaces': op(
        '--next-token --max-results# --include-managed-resources! --dry-run! --network-interface-ids* --filters* %pages',
      ),
      'describe-addresses': op('--public-ips* --dry-run! --filters* --allocation-ids*'),
      'describe-images': op(
        '--executable-users* --image-ids* --owners* --include-deprecated! --include-disabled! --max-results# --next-token --dry-run! --filters* %pages',
      ),
      'describe-snapshots': op(
        '--max-results# --next-token --owner-ids* --restorable-by-user-ids* --snapshot-ids* --dry-run! --filters* %pages',
      ),
      'describe-regions': op('--region-names* --all-regions! --dry-run! --filters*'),
      'describe-availability-zones': op(
        '--zone-names* --zone-ids* --all-availability-zones! --dry-run! --filters*',
      ),
      'describe-instance-types': op(
        '--dry-run! --instance-types* --filters* --max-results# --next-token --include-unsupported-in-region! %pages',
      ),
      'describe-instance-type-offerings': op(
        '--dry-run! --location-type --filters* --max-results# --next-token %pages',
      ),
      'describe-tags': op('--dry-run! --filters* --max-results# --next-token %pages'),
      'describe-nat-gateways': op(
        '--dry-run! --filter* --max-results# --nat-gateway-ids* --next-token %pages',
      ),
      'describe-vpc-endpoints': op(
        '--dry-run! --vpc-endpoint-ids* --filters* --max-results# --next-token %pages',
      ),
      'describe-internet-gateways': op(
        '--next-token --max-results# --dry-run! --internet-gateway-ids* --filters* %pages',
      ),
      'describe-egress-only-internet-gateways': op(
        '--dry-run! --egress-only-internet-gateway-ids* --max-results# --next-token --filters* %pages',
      ),
      'describe-network-acls': op(
        '--next-token --max-results# --dry-run! --network-acl-ids* --filters* %pages',
      ),
      'describe-key-pairs': op('--key-names* --key-pair-ids* --include-public-key! --dry-run! --filters*'),
      'describe-launch-templates': op(
        '--dry-run! --launch-template-ids* --launch-template-names* --filters* --next-token --max-results# --include-managed-resources! %pages',
      ),
      'describe-vpc-peering-connections': op(
        '--next-token --max-results# --dry-run! --vpc-peering-connection-ids* --filters* %pages',
      ),
      'describe-transit-gateways': op(
        '--transit-gateway-ids* --filters* --max-results# --next-token --dry-run! %pages',
      ),
      'describe-transit-gateway-attachments': op(
        '--transit-gateway-attachment-ids* --filters* --max-results# --next-token --dry-run! %pages',
      ),
      'describe-flow-logs': op('--dry-run! --filter* --flow-log-ids* --max-results# --next-token %pages'),
      'describe-placement-groups': op('--group-ids* --dry-run! --group-names* --filters*'),
      'describe-reserved-instances': op(
        '--offering-class --reserved-instances-ids* --dry-run! --filters* --offering-type',
      ),
      'describe-account-attributes': op('--dry-run! --attribute-names*'),
      'describe-prefix-lists': op(
        '--dry-run! --filters* --max-results# --next-token --prefix-list-ids* %pages',
      ),
      'describe-managed-prefix-lists': op(
        '--dry-run! --filters* --max-results# --next-token --prefix-list-ids* %pages',
      ),
      'describe-capacity-reservations': op(
        '--capacity-reservation-ids* --next-token --max-results# --filters* --dry-run! %pages',
      ),
      'describe-dhcp-options': op(
        '--dhcp-options-ids* --next-token --max-results# --dry-run! --filters* %pages',
      ),
      'describe-iam-instance-profile-associations': op(
        '--association-ids* --filters* --max-results# --next-token %pages',
      ),
      'describe-spot-price-history': op(
        '--availability-zone-id --dry-run! --start-time --end-time --instance-types* --product-descriptions* --filters* --availability-zone --max-results# --next-token %pages',
      ),
      'describe-vpn-gateways': op('--filters* --vpn-gateway-ids* --dry-run!'),
      'describe-customer-gateways': op('--customer-gateway-ids* --filters* --dry-run!'),
      'get-console-output': op(
        '--instance-id --latest! --dry-run!',
        'the boot console can print generated passwords and keys',
      ),
      'get-password-data': op('--instance-id --dry-run!', 'it returns the Windows administrator password'),
    },
  },
  elbv2: {
    subcommands: {
      'describe-load-balancers': op(
        '--load-balancer-arns* --names* --marker --page-size# --starting-token --max-items#',
      ),
      'describe-target-groups': op(
        '--load-balancer-arn --target-group-arns* --names* --marker --page-size# --starting-token --max-items#',
      ),
      'describe-target-health': op('--target-group-arn --targets* --include*'),
      'describe-listeners': op(
        '--load-balancer-arn --listener-arns* --marker --page-size# --starting-token --max-items#',
      ),
      'describe-rules': op('--listener-arn --rule-arns* --marker --page-size# --starting-token --max-items#'),
      'describe-load-balancer-attributes': op('--load-balancer-arn'),
      'describe-target-group-attributes': op('--target-group-arn'),
      'describe-tags': op('--resource-arns*'),
      'describe-listener-certificates': op(
        '--listener-arn --marker --page-size# --starting-token --max-items#',
      ),
      'describe-ssl-policies': op(
        '--names* --marker --page-size# --load-balancer-type --starting-token --max-items#',
      ),
    },
  },
  elb: {
    subcommands: {
      'describe-load-balancers': op(
        '--load-balancer-names* --marker --page-size# --starting-token --max-items#',
      ),
      'describe-instance-health': op('--load-balancer-name --instances*'),
      'describe-load-balancer-attributes': op('--load-balancer-name'),
      'describe-load-balancer-policies': op('--load-balancer-name --policy-names*'),
      'describe-tags': op('--load-balancer-names*'),
    },
  },
  cloudwatch: {
    subcommands: {
      'get-metric-statistics': op(
        '--namespace --metric-name --dimensions* --start-time --end-time --period# --statistics* --extended-statistics* --unit',
      ),
      'get-metric-data': op(
        '--metric-data-queries* --start-time --end-time --next-token --scan-by --max-datapoints# --label-options %pages',
      ),
      'list-metrics': op(
        '--namespace --metric-name --dimensions* --next-token --recently-active --include-linked-accounts! --owning-account --starting-token --max-items#',
      ),
      'describe-alarms': op(
        '--alarm-names* --alarm-name-prefix --alarm-types* --children-of-alarm-name --parents-of-alarm-name --state-value --action-prefix --max-records# --next-token %pages',
      ),
      'describe-alarm-history': op(
        '--alarm-name --alarm-contributor-id --alarm-types* --history-item-type --start-date --end-date --max-records# --next-token --scan-by %pages',
      ),
      'describe-alarms-for-metric': op(
        '--metric-name --namespace --statistic --extended-statistic --dimensions* --period# --unit',
      ),
      'list-dashboards': op('--dashboard-name-prefix --next-token --starting-token --max-items#'),
    },
  },
  logs: {
    subcommands: {
      'describe-log-groups': op(
        '--account-identifiers* --log-group-name-prefix --log-group-name-pattern --next-token --limit# --include-linked-accounts! --log-group-class --log-group-identifiers* %pages',
      ),
      'describe-log-streams': op(
        '--log-group-name --log-group-identifier --log-stream-name-prefix --order-by --descending! --next-token --limit# %pages',
      ),
      'filter-log-events': op(
        '--log-group-name --log-group-identifier --log-stream-names* --log-stream-name-prefix --start-time# --end-time# --filter-pattern --next-token --limit# --interleaved! %pages',
      ),
      'get-log-events': op(
        '--log-group-name --log-group-identifier --log-stream-name --start-time# --end-time# --next-token --limit# --start-from-head!',
      ),
      'describe-metric-filters': op(
        '--log-group-name --filter-name-prefix --next-token --limit# --metric-name --metric-namespace %pages',
      ),
      'describe-subscription-filters': op(
        '--log-group-name --filter-name-prefix --next-token --limit# %pages',
      ),
      // aws logs tail GROUP (v2): the group is the one positional parameter.
      tail: {
        options: {
          ...op('--since --follow? --filter-pattern --log-stream-names* --log-stream-name-prefix').options,
          '--format': ['detailed', 'short', 'json', 'none'],
        },
        operands: ['aws-value', 'aws-value*'],
      },
    },
  },
  s3: {
    subcommands: {
      ls: {
        ...op(
          '--recursive? --page-size# --human-readable? --summarize? --bucket-name-prefix --bucket-region',
        ),
        operands: ['s3-path?'],
      },
    },
  },
  s3api: {
    subcommands: {
      'list-buckets': op('--max-buckets# --continuation-token --prefix --bucket-region %pages'),
      'list-objects-v2': op(
        '--bucket --delimiter --encoding-type --max-keys# --prefix --continuation-token --fetch-owner! --start-after --expected-bucket-owner --optional-object-attributes* %pages',
      ),
      'list-objects': op(
        '--bucket --delimiter --encoding-type --marker --max-keys# --prefix --expected-bucket-owner --optional-object-attributes* %pages',
      ),
      'list-object-versions': op(
        '--bucket --delimiter --encoding-type --key-marker --max-keys# --prefix --version-id-marker --expected-bucket-owner --optional-object-attributes* %pages',
      ),
      'head-object': op(
        '--bucket --if-match --if-modified-since --if-none-match --if-unmodified-since --key --range --response-cache-control --response-content-disposition --response-content-encoding --response-content-language --response-content-type --response-expires --version-id --part-number# --expected-bucket-owner --checksum-mode',
      ),
      'head-bucket': op('--bucket --expected-bucket-owner'),
      'get-bucket-location': op('--bucket --expected-bucket-owner'),
      'get-bucket-versioning': op('--bucket --expected-bucket-owner'),
      'get-bucket-tagging': op('--bucket --expected-bucket-owner'),
      'get-bucket-encryption': op('--bucket --expected-bucket-owner'),
      'get-bucket-lifecycle-configuration': op('--bucket --expected-bucket-owner'),
      'get-public-access-block': op('--bucket --expected-bucket-owner'),
      'get-bucket-policy-status': op('--bucket --expected-bucket-owner'),
    },
  },
  rds: {
    subcommands: {
      'describe-db-instances': op('--db-instance-identifier --filters* --max-records# --marker %pages'),
      'describe-db-clusters': op(
        '--db-cluster-identifier --filters* --max-records# --marker --include-shared! %pages',
      ),
      'describe-events': op(
        '--source-identifier --source-type --start-time --end-time --duration# --event-categories* --filters* --max-records# --marker %pages',
      ),
      'describe-db-log-files': op(
        '--db-instance-identifier --filename-contains --file-last-written# --file-size# --filters* --max-records# --marker %pages',
      ),
      'download-db-log-file-portion': op(
        '--db-instance-identifier --log-file-name --marker --number-of-lines# %pages',
      ),
      'describe-db-snapshots': op(
        '--db-instance-identifier --db-snapshot-identifier --snapshot-type --filters* --max-records# --marker --include-shared! --include-public! --dbi-resource-id %pages',
      ),
      'describe-db-cluster-snapshots': op(
        '--db-cluster-identifier --db-cluster-snapshot-identifier --snapshot-type --filters* --max-records# --marker --include-shared! --include-public! --db-cluster-resource-id %pages',
      ),
      'describe-pending-maintenance-actions': op(
        '--resource-identifier --filters* --marker --max-records# %pages',
      ),
      'describe-db-parameter-groups': op(
        '--db-parameter-group-name --filters* --max-records# --marker %pages',
      ),
      'describe-db-parameters': op(
        '--db-parameter-group-name --source --filters* --max-records# --marker %pages',
      ),
      'describe-db-cluster-parameter-groups': op(
        '--db-cluster-parameter-group-name --filters* --max-records# --marker %pages',
      ),
      'describe-db-subnet-groups': op('--db-subnet-group-name --filters* --max-records# --marker %pages'),
      'describe-event-subscriptions': op('--subscription-name --filters* --max-records# --marker %pages'),
      'describe-db-proxies': op('--db-proxy-name --filters* --marker --max-records# %pages'),
      'generate-db-auth-token': op(
        '--hostname --port# --username',
        'it prints a database authentication token',
      ),
    },
  },
  autoscaling: {
    subcommands: {
      'describe-auto-scaling-groups': op(
        '--auto-scaling-group-names* --include-instances! --next-token --max-records# --filters* %pages',
      ),
      'describe-scaling-activities': op(
        '--activity-ids* --auto-scaling-group-name --include-deleted-groups! --max-records# --next-token --filters* %pages',
      ),
      'describe-auto-scaling-instances': op('--instance-ids* --max-records# --next-token %pages'),
      'describe-policies': op(
        '--auto-scaling-group-name --policy-names* --policy-types* --next-token --max-records# %pages',
      ),
      'describe-scheduled-actions': op(
        '--auto-scaling-group-name --scheduled-action-names* --start-time --end-time --next-token --max-records# %pages',
      ),
      'describe-lifecycle-hooks': op('--auto-scaling-group-name --lifecycle-hook-names*'),
      'describe-launch-configurations': op(
        '--launch-configuration-names* --next-token --max-records# %pages',
        'launch configurations include UserData, which often holds bootstrap secrets',
      ),
      'describe-warm-pool': op('--auto-scaling-group-name --max-records# --next-token %pages'),
    },
  },
  ecs: {
    subcommands: {
      'list-clusters': op('--next-token --max-results# %pages'),
      'describe-clusters': op('--clusters* --include*'),
      'list-services': op(
        '--cluster --next-token --max-results# --launch-type --scheduling-strategy --resource-management-type %pages',
      ),
      'describe-services': op('--cluster --services* --include*'),
      'list-tasks': op(
        '--cluster --container-instance --family --next-token --max-results# --started-by --service-name --desired-status --launch-type --daemon-name %pages',
      ),
      'describe-tasks': op('--cluster --tasks* --include*'),
      'list-container-instances': op('--cluster --filter --next-token --max-results# --status %pages'),
      'describe-container-instances': op('--cluster --container-instances* --include*'),
      'list-task-definitions': op('--family-prefix --status --sort --next-token --max-results# %pages'),
      'list-task-definition-families': op('--family-prefix --status --next-token --max-results# %pages'),
      'describe-task-definition': op(
        '--task-definition --include*',
        'task definitions include container environment variables',
      ),
    },
  },
  eks: {
    subcommands: {
      'list-clusters': op('--max-results# --next-token --include* %pages'),
      'describe-cluster': op('--name'),
      'list-nodegroups': op('--cluster-name --max-results# --next-token %pages'),
      'describe-nodegroup': op('--cluster-name --nodegroup-name'),
      'list-addons': op('--cluster-name --max-results# --next-token %pages'),
      'describe-addon': op('--cluster-name --addon-name'),
      'list-fargate-profiles': op('--cluster-name --max-results# --next-token %pages'),
      'describe-fargate-profile': op('--cluster-name --fargate-profile-name'),
      'describe-update': op('--name --update-id --nodegroup-name --addon-name --capability-name'),
      'list-updates': op(
        '--name --nodegroup-name --addon-name --capability-name --next-token --max-results# %pages',
      ),
      'get-token': op('--cluster-name --role-arn --cluster-id', 'it prints a cluster bearer token'),
    },
  },
  sts: {
    subcommands: {
      'get-caller-identity': op(''),
      'get-session-token': op(
        '--duration-seconds# --serial-number --token-code',
        'it prints temporary credentials',
      ),
      'assume-role': op(
        '--role-arn --role-session-name --policy-arns* --policy --duration-seconds# --tags* --transitive-tag-keys* --external-id --serial-number --token-code --source-identity --provided-contexts*',
        'it prints temporary credentials',
      ),
    },
  },
  iam: {
    subcommands: {
      'get-user': op('--user-name'),
      'list-users': op('--path-prefix --marker %pages'),
      'list-roles': op('--path-prefix --marker %pages'),
      'get-role': op('--role-name'),
      'list-groups': op('--path-prefix --marker %pages'),
      'list-groups-for-user': op('--user-name --marker %pages'),
      'list-policies': op('--scope --only-attached! --path-prefix --policy-usage-filter --marker %pages'),
      'get-policy': op('--policy-arn'),
      'get-policy-version': op('--policy-arn --version-id'),
      'list-attached-role-policies': op('--role-name --path-prefix --marker %pages'),
      'list-attached-user-policies': op('--user-name --path-prefix --marker %pages'),
      'list-attached-group-policies': op('--group-name --path-prefix --marker %pages'),
      'list-role-policies': op('--role-name --marker %pages'),
      'list-user-policies': op('--user-name --marker %pages'),
      'list-access-keys': op('--user-name --marker %pages'),
      'get-access-key-last-used': op('--access-key-id'),
      'list-instance-profiles': op('--path-prefix --marker %pages'),
      'list-instance-profiles-for-role': op('--role-name --marker %pages'),
      'get-account-summary': op(''),
      'list-account-aliases': op('--marker %pages'),
      'list-mfa-devices': op('--user-name --marker %pages'),
      'get-account-password-policy': op(''),
      'list-server-certificates': op('--path-prefix --marker %pages'),
    },
  },
  route53: {
    subcommands: {
      'list-hosted-zones': op(
        '--marker --max-items --delegation-set-id --hosted-zone-type --starting-token --page-size',
      ),
      'list-hosted-zones-by-name': op('--dns-name --hosted-zone-id --max-items'),
      'get-hosted-zone': op('--id'),
      'list-resource-record-sets': op(
        '--hosted-zone-id --start-record-name --start-record-type --start-record-identifier --max-items --starting-token --page-size',
      ),
      'list-health-checks': op('--marker --max-items --starting-token --page-size'),
      'get-health-check': op('--health-check-id'),
      'get-health-check-status': op('--health-check-id'),
      'get-change': op('--id'),
    },
  },
  elasticache: {
    subcommands: {
      'describe-cache-clusters': op(
        '--cache-cluster-id --max-records# --marker --show-cache-node-info! --show-cache-clusters-not-in-replication-groups! %pages',
      ),
      'describe-replication-groups': op('--replication-group-id --max-records# --marker %pages'),
      'describe-events': op(
        '--source-identifier --source-type --start-time --end-time --duration# --max-records# --marker %pages',
      ),
      'describe-cache-subnet-groups': op('--cache-subnet-group-name --max-records# --marker %pages'),
      'describe-cache-parameter-groups': op('--cache-parameter-group-name --max-records# --marker %pages'),
      'describe-snapshots': op(
        '--replication-group-id --cache-cluster-id --snapshot-name --snapshot-source --marker --max-records# --show-node-group-config! %pages',
      ),
    },
  },
  dynamodb: {
    subcommands: {
      'describe-table': op('--table-name'),
      'list-tables': op('--exclusive-start-table-name --limit# %pages'),
      'describe-time-to-live': op('--table-name'),
      'describe-continuous-backups': op('--table-name'),
      'list-backups': op(
        '--table-name --limit# --time-range-lower-bound --time-range-upper-bound --exclusive-start-backup-arn --backup-type %pages',
      ),
      'describe-limits': op(''),
    },
  },
  sqs: {
    subcommands: {
      'list-queues': op('--queue-name-prefix --next-token --max-results# %pages'),
      'get-queue-attributes': op('--queue-url:sqs-queue-url --attribute-names*'),
      'get-queue-url': op('--queue-name --queue-owner-aws-account-id'),
      'list-dead-letter-source-queues': op('--queue-url:sqs-queue-url --next-token --max-results# %pages'),
      'list-queue-tags': op('--queue-url:sqs-queue-url'),
    },
  },
  sns: {
    subcommands: {
      'list-topics': op('--next-token --starting-token --max-items#'),
      'get-topic-attributes': op('--topic-arn'),
    },
  },
  cloudformation: {
    subcommands: {
      'describe-stacks': op('--stack-name --next-token --starting-token --max-items#'),
      'describe-stack-events': op('--stack-name --next-token --starting-token --max-items#'),
      'list-stacks': op('--next-token --stack-status-filter* --starting-token --max-items#'),
      'describe-stack-resources': op('--stack-name --logical-resource-id --physical-resource-id'),
      'describe-stack-resource': op('--stack-name --logical-resource-id'),
      'list-stack-resources': op('--stack-name --next-token --starting-token --max-items#'),
      'list-exports': op('--next-token --starting-token --max-items#'),
      'describe-stack-drift-detection-status': op('--stack-drift-detection-id'),
    },
  },
  health: {
    subcommands: {
      'describe-events': op('--filter --next-token --max-results# --locale %pages'),
      'describe-event-details': op('--event-arns* --locale'),
      'describe-affected-entities': op('--filter --locale --next-token --max-results# %pages'),
    },
  },
  lambda: {
    subcommands: {
      'list-functions': op(
        '--master-region --function-version --marker %pages',
        'function configurations include environment variables',
      ),
      'get-function-configuration': op(
        '--function-name --qualifier',
        'function configurations include environment variables',
      ),
      'get-function': op(
        '--function-name --qualifier',
        'it returns environment variables and a presigned code URL',
      ),
      'get-account-settings': op(''),
      'list-event-source-mappings': op('--event-source-arn --function-name --marker %pages'),
      'list-aliases': op('--function-name --function-version --marker %pages'),
      'list-versions-by-function': op(
        '--function-name --marker %pages',
        'function configurations include environment variables',
      ),
    },
  },
  secretsmanager: {
    subcommands: {
      'get-secret-value': op('--secret-id --version-id --version-stage', 'it prints a secret value'),
    },
  },
  ssm: {
    subcommands: {
      'get-parameter': op('--name --with-decryption!', 'parameters hold credentials (SecureString)'),
      'get-parameters': op('--names* --with-decryption!', 'parameters hold credentials (SecureString)'),
      'get-parameters-by-path': op(
        '--path --recursive! --parameter-filters* --with-decryption! --max-results# --next-token %pages',
        'parameters hold credentials (SecureString)',
      ),
      'describe-instance-information': op(
        '--instance-information-filter-list* --filters* --max-results# --next-token %pages',
      ),
    },
  },
  ecr: {
    subcommands: {
      'get-login-password': op('', 'it prints a registry password'),
      'describe-repositories': op('--registry-id --repository-names* --next-token --max-results# %pages'),
      'describe-images': op(
        '--registry-id --repository-name --image-ids* --next-token --max-results# --filter %pages',
      ),
      'list-images': op('--registry-id --repository-name --next-token --max-results# --filter %pages'),
    },
  },
  codeartifact: {
    subcommands: {
      'get-authorization-token': op(
        '--domain --domain-owner --duration-seconds#',
        'it prints a repository token',
      ),
    },
  },
  ce: {
    subcommands: {
      'get-cost-and-usage': op(
        '--time-period --granularity --filter --metrics* --group-by* --billing-view-arn --next-page-token',
      ),
      'get-cost-forecast': op(
        '--time-period --metric --granularity --filter --billing-view-arn --prediction-interval-level#',
      ),
    },
  },
  acm: {
    subcommands: {
      'list-certificates': op(
        '--certificate-statuses* --includes --next-token --sort-by --sort-order %pages',
      ),
      'describe-certificate': op('--certificate-arn'),
    },
  },
  kms: {
    subcommands: {
      'list-keys': op('--limit# --marker %pages'),
      'list-aliases': op('--key-id --limit# --marker %pages'),
      'describe-key': op('--key-id --grant-tokens*'),
    },
  },
  // `configure list` masks the keys (****ABCD); `configure get` can print the secret key.
  configure: { subcommands: { 'list list-profiles': {} } },
};

/** gcloud: `--flags-file` is expanded wherever it stands (a value too), so no value starts with `-`. */
const GCLOUD_VALUE = /^(?!-)[^\0]{0,4096}$/;

/**
 * Some resources hold credentials in their fields: instance metadata (startup scripts; on GKE nodes
 * kube-env, with the kubelet's bootstrap credentials) and Cloud Run and Cloud Functions environment
 * variables. Their list commands print those fields with json/yaml, and --filter can test them, so
 * there the display flags take only table/value/csv projections naming none of those fields.
 */
const GCLOUD_GUARDED_VALUE =
  /^(?!-)(?![\s\S]*(?:metadata|env|spec|template|container|secret|auth|key|password|token|\*))[^\0]{0,4096}$/i;
const GCLOUD_GUARDED_FORMAT =
  /^(?:table|value|csv)(?:\[[A-Za-z0-9=,_ -]*\])?(?:\((?![\s\S]*(?:metadata|env|spec|template|container|secret|auth|key|password|token|\*|[(,]\s*\.))[A-Za-z0-9_.,:=()[\] '-]+\))?$/i;

/** The flags of gcloud list commands. */
const GCLOUD_LIST: Record<string, OptionValue> = {
  '--filter --sort-by': 'gcloud-value',
  '--limit': 'gcloud-limit',
  '--page-size': 'uint',
  '--uri': 'flag',
};

/** A list command whose resources hold credentials (GUARDED): the display flags cannot reach them. */
function guardedList(options: Record<string, OptionValue> = {}, operands?: string[]): CommandNode {
  return {
    options: {
      '--format': 'gcloud-guarded-format',
      '--flatten --filter --sort-by': 'gcloud-guarded-value',
      '--limit': 'gcloud-limit',
      '--page-size': 'uint',
      '--uri': 'flag',
      ...options,
    },
    ...(operands ? { operands } : {}),
  };
}

/** A gcloud command: the display flags every command takes (only after its name here), plus its own. */
function gc(options: Record<string, OptionValue> = {}, operands?: string[], secret?: string): CommandNode {
  return {
    options: { '--format --flatten': 'gcloud-value', ...options },
    ...(operands ? { operands } : {}),
    ...(secret ? { secret } : {}),
  };
}

const GC_ZONE = { '--zone': 'gcloud-location' };
const GC_ZONES = { '--zones --regions': 'gcloud-value', '--global': 'flag' };
const GC_LOCATION = { '--location --region --zone': 'gcloud-location' };

/** az: values read from a file start with `@` (or have it right after the first `=`). */
const AZ_VALUE = /^(?![@-])(?![^=]*=@)[^\0]{0,4096}$/;

/** An az command with its own arguments; list-valued arguments (nargs) add `az-value*` operands. */
function az(options: Record<string, OptionValue> = {}, lists = false, secret?: string): CommandNode {
  return { options, ...(lists ? { operands: ['az-value*'] } : {}), ...(secret ? { secret } : {}) };
}

const AZ_RG = { '-g --resource-group': 'az-name' };
const AZ_ONE = { '-g --resource-group': 'az-name', '-n --name': 'az-name', '--ids': 'az-value' };

export const CLOUD: readonly ToolGrammar[] = [
  {
    // AWS CLI (argparse: global options anywhere, `--opt=v` or `--opt v`; it also accepts unambiguous
    // prefixes of long options, which are not declared here). Never --endpoint-url (sends signed
    // requests anywhere), --ca-bundle, --no-verify-ssl, --debug (logs signed requests and session
    // tokens), --cli-input-json/yaml and --generate-cli-skeleton. Data reads (dynamodb scan/query/
    // get-item, s3 cp, s3api get-object) and anything else that is not listed wait for a human.
    program: 'aws',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'aws-value': AWS_VALUE,
      'aws-region': /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/,
      'aws-profile': /^[A-Za-z0-9_][A-Za-z0-9_.+@-]{0,63}$/,
      's3-path': /^(?:s3:\/\/)?[a-z0-9][a-z0-9.-]{1,62}(?:\/[^\0]{0,1024})?$/,
      'sqs-queue-url':
        /^https:\/\/(?:sqs\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?|queue\.amazonaws\.com)\/\d{12}\/[A-Za-z0-9_-]{1,80}(?:\.fifo)?$/,
    },
    options: {
      '--region': 'aws-region',
      '--profile': 'aws-profile',
      '--output': ['json', 'text', 'table', 'yaml', 'yaml-stream'],
      '--query': 'aws-value',
      '--color': ['on', 'off', 'auto'],
      '--cli-read-timeout --cli-connect-timeout': 'uint',
      '--cli-binary-format': ['base64', 'raw-in-base64-out'],
      '--no-paginate --no-cli-pager --no-sign-request --no-cli-auto-prompt --version': 'flag',
    },
    operands: [],
    subcommands: AWS_SERVICES,
  },
  {
    // gcloud (calliope on argparse, no abbreviations; global flags anywhere). --format and --flatten
    // are declared on each command, so a projection cannot be given before the command it applies
    // to. Never --impersonate-service-account, --access-token-file, --flags-file, --log-http,
    // --verbosity=debug, --credential-file-override, --authorization-token-file, --trace-token.
    program: 'gcloud',
    syntax: 'gnu',
    // Prompts ("API … not enabled, enable it? (y/N)") would read their answer from a pipe.
    stdin: 'refuse',
    types: {
      'gcloud-value': GCLOUD_VALUE,
      'gcloud-guarded-value': GCLOUD_GUARDED_VALUE,
      'gcloud-guarded-format': GCLOUD_GUARDED_FORMAT,
      'gcloud-name': /^(?![\s\S]*:\/\/)[A-Za-z0-9_][A-Za-z0-9_.:/@-]{0,254}$/,
      'gcloud-location': /^[a-z0-9][a-z0-9-]{0,62}$/,
      'gcloud-limit': /^(?:\d{1,9}|unlimited)$/,
      'gcloud-project': /^(?:(?:[a-z0-9.-]{1,63}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]|\d{1,20})$/,
      'gcloud-account': /^[A-Za-z0-9_][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9.-]{1,253}$/,
      'gcloud-property':
        /^(?:(?:core|compute|container|run|functions)\/)?(?:project|account|zone|region|cluster|disable_prompts|verbosity)$/,
    },
    options: {
      '--project': 'gcloud-project',
      '--account': 'gcloud-account',
      '--configuration': 'name',
      '--verbosity': ['critical', 'error', 'warning', 'info', 'none'],
      '-q --quiet --user-output-enabled --no-user-output-enabled -h --help': 'flag',
    },
    subcommands: {
      compute: {
        subcommands: {
          instances: {
            subcommands: {
              list: guardedList({ '--zones': 'gcloud-value' }, ['gcloud-name*']),
              describe: gc(
                GC_ZONE,
                ['gcloud-name'],
                'instance metadata (startup scripts, GKE kube-env) can hold credentials',
              ),
            },
          },
          disks: {
            subcommands: {
              list: gc({ ...GCLOUD_LIST, ...GC_ZONES }, ['gcloud-name*']),
              describe: gc({ '--zone --region': 'gcloud-location' }, ['gcloud-name']),
            },
          },
          'operations zones regions networks firewall-rules addresses forwarding-rules snapshots images': {
            subcommands: {
              list: gc(
                {
                  ...GCLOUD_LIST,
                  ...GC_ZONES,
                  '--show-deprecated --standard-images --preview-images': 'flag',
                },
                ['gcloud-name*'],
              ),
            },
          },
          'machine-types routers routes ssl-certificates target-pools url-maps health-checks': {
            subcommands: { list: gc({ ...GCLOUD_LIST, ...GC_ZONES }, ['gcloud-name*']) },
          },
          'backend-services': {
            subcommands: {
              list: gc({ ...GCLOUD_LIST, ...GC_ZONES }, ['gcloud-name*']),
              'get-health': gc({ ...GCLOUD_LIST, '--global': 'flag', '--region': 'gcloud-location' }, [
                'gcloud-name',
              ]),
            },
          },
          'instance-groups': {
            subcommands: {
              list: gc({ ...GCLOUD_LIST, ...GC_ZONES, '--only-managed --only-unmanaged': 'flag' }, [
                'gcloud-name*',
              ]),
              managed: {
                subcommands: {
                  list: gc({ ...GCLOUD_LIST, ...GC_ZONES }, ['gcloud-name*']),
                  'list-instances': gc({ ...GCLOUD_LIST, '--zone --region': 'gcloud-location' }, [
                    'gcloud-name',
                  ]),
                  describe: gc({ '--zone --region': 'gcloud-location' }, ['gcloud-name']),
                },
              },
            },
          },
        },
      },
      container: {
        subcommands: {
          clusters: {
            subcommands: {
              // masterAuth can hold the cluster's admin client key or basic-auth password.
              list: guardedList(GC_LOCATION),
              describe: gc(
                GC_LOCATION,
                ['gcloud-name'],
                'a cluster description can hold its admin client key',
              ),
            },
          },
          'node-pools': {
            subcommands: {
              list: gc({ ...GCLOUD_LIST, ...GC_LOCATION, '--cluster': 'gcloud-name' }),
              describe: gc({ ...GC_LOCATION, '--cluster': 'gcloud-name' }, ['gcloud-name']),
            },
          },
          operations: { subcommands: { list: gc({ ...GCLOUD_LIST, ...GC_LOCATION }) } },
          'get-server-config': gc(GC_LOCATION),
        },
      },
      logging: {
        subcommands: {
          read: gc(
            {
              '--limit': 'gcloud-limit',
              '--freshness': 'duration',
              '--order': ['asc', 'desc'],
              '--bucket --location --view --resource-names --organization --folder --billing-account':
                'gcloud-value',
            },
            ['gcloud-value?'],
          ),
          'logs sinks metrics': {
            subcommands: { list: gc({ ...GCLOUD_LIST, '--bucket --location --view': 'gcloud-value' }) },
          },
        },
      },
      config: {
        subcommands: {
          // Not --all or --format: they print every property, proxy/password included (the default
          // view is redacted by AALS on the way out).
          list: { options: GCLOUD_LIST, operands: ['gcloud-property?'] },
          'get get-value': gc({}, ['gcloud-property']),
          configurations: { subcommands: { list: gc(GCLOUD_LIST) } },
        },
      },
      auth: {
        subcommands: {
          list: gc({ ...GCLOUD_LIST, '--filter-account': 'gcloud-account' }),
          'print-access-token print-identity-token': gc({}, ['gcloud-account?'], 'it prints an OAuth token'),
          'application-default': {
            subcommands: { 'print-access-token': gc({}, [], 'it prints an OAuth token') },
          },
        },
      },
      projects: {
        subcommands: {
          list: gc(GCLOUD_LIST),
          describe: gc({}, ['gcloud-project']),
          'get-iam-policy': gc(GCLOUD_LIST, ['gcloud-project']),
        },
      },
      sql: {
        subcommands: {
          instances: { subcommands: { list: gc(GCLOUD_LIST), describe: gc({}, ['gcloud-name']) } },
          'operations databases users backups': {
            subcommands: { list: gc({ ...GCLOUD_LIST, '--instance': 'gcloud-name' }) },
          },
        },
      },
      secrets: {
        subcommands: {
          list: gc({ ...GCLOUD_LIST, '--location': 'gcloud-location' }),
          describe: gc({ '--location': 'gcloud-location' }, ['gcloud-name']),
          versions: {
            subcommands: {
              list: gc({ ...GCLOUD_LIST, '--location': 'gcloud-location' }, ['gcloud-name']),
              describe: gc({ '--location': 'gcloud-location', '--secret': 'gcloud-name' }, ['gcloud-name']),
              access: gc(
                { '--location': 'gcloud-location', '--secret': 'gcloud-name' },
                ['gcloud-name'],
                'it prints a secret value',
              ),
            },
          },
        },
      },
      run: {
        subcommands: {
          services: {
            subcommands: {
              list: guardedList({ '--region': 'gcloud-location' }),
              describe: gc(
                { '--region': 'gcloud-location' },
                ['gcloud-name'],
                'it prints environment variables',
              ),
            },
          },
          revisions: {
            subcommands: {
              list: guardedList({ '--region': 'gcloud-location', '--service': 'gcloud-name' }),
            },
          },
        },
      },
      functions: {
        subcommands: {
          list: guardedList({ '--regions': 'gcloud-value', '--v2': 'flag' }),
          describe: gc(
            { '--region': 'gcloud-location', '--v2': 'flag' },
            ['gcloud-name'],
            'it prints environment variables',
          ),
        },
      },
      // Not subscriptions: push endpoints often carry a token in their URL.
      pubsub: { subcommands: { topics: { subcommands: { list: gc(GCLOUD_LIST) } } } },
      dns: {
        subcommands: {
          'managed-zones': { subcommands: { list: gc({ ...GCLOUD_LIST, '--location': 'gcloud-location' }) } },
          'record-sets': {
            subcommands: {
              list: gc({ ...GCLOUD_LIST, '--zone': 'gcloud-name', '--name --type': 'gcloud-value' }),
            },
          },
        },
      },
      monitoring: { subcommands: { dashboards: { subcommands: { list: gc(GCLOUD_LIST) } } } },
      iam: {
        subcommands: {
          'service-accounts': {
            subcommands: {
              list: gc(GCLOUD_LIST),
              keys: {
                subcommands: {
                  list: gc({
                    ...GCLOUD_LIST,
                    '--iam-account': 'gcloud-account',
                    '--managed-by': ['any', 'system', 'user'],
                  }),
                },
              },
            },
          },
        },
      },
      version: gc(),
    },
  },
  {
    // Azure CLI (knack on argparse: accepts unambiguous prefixes of long options, not declared here;
    // `@file` values are read from files). Never --debug (logs requests), get-credentials,
    // `aks command invoke`, `vm run-command`, `vm show --include-user-data`, `account list --refresh`
    // (rewrites the local profile), and the credential readers declared secret below.
    program: 'az',
    syntax: 'gnu',
    stdin: 'ignore',
    types: {
      'az-value': AZ_VALUE,
      'az-name': /^[A-Za-z0-9_(][A-Za-z0-9_.()-]{0,89}$/,
      'az-location': /^[a-z0-9]{1,40}$/,
    },
    options: {
      '-o --output': ['json', 'jsonc', 'table', 'tsv', 'yaml', 'yamlc', 'none'],
      '--query --subscription': 'az-value',
      '--only-show-errors --verbose -h --help': 'flag',
    },
    subcommands: {
      vm: {
        subcommands: {
          list: az({ ...AZ_RG, '-d --show-details': 'flag', '--vmss': 'az-value' }),
          show: az({ ...AZ_ONE, '-d --show-details': 'flag' }, true),
          'get-instance-view list-ip-addresses': az(AZ_ONE, true),
          'list-sizes list-usage': az({ '-l --location': 'az-location' }),
        },
      },
      vmss: {
        subcommands: {
          list: az(AZ_RG),
          'show get-instance-view': az({ ...AZ_ONE, '--instance-id': 'az-value' }, true),
          'list-instances': az({ ...AZ_RG, '-n --name': 'az-name' }),
        },
      },
      aks: {
        subcommands: {
          list: az(AZ_RG),
          show: az(AZ_ONE, true),
          'get-upgrades': az({ ...AZ_RG, '-n --name': 'az-name' }),
          'get-versions': az({ '-l --location': 'az-location' }),
          nodepool: {
            subcommands: {
              list: az({ ...AZ_RG, '--cluster-name': 'az-name' }),
              show: az({ ...AZ_RG, '--cluster-name': 'az-name', '-n --name': 'az-name' }),
            },
          },
        },
      },
      monitor: {
        subcommands: {
          metrics: {
            subcommands: {
              list: az(
                {
                  ...AZ_RG,
                  // `--metric` is argparse's abbreviation of --metrics, the spelling Microsoft's examples use.
                  '--resource --metrics --metric --aggregation --dimension --interval --start-time --end-time':
                    'az-value',
                  '--offset': 'az-value',
                  '--metadata': 'flag',
                  '--filter --namespace --orderby --resource-namespace --resource-parent --resource-type':
                    'az-value',
                  '--top': 'uint',
                },
                true,
              ),
              'list-definitions': az({
                ...AZ_RG,
                '--resource --namespace --resource-namespace --resource-parent --resource-type': 'az-value',
              }),
            },
          },
          'activity-log': {
            subcommands: {
              list: az(
                {
                  ...AZ_RG,
                  '--start-time --end-time --offset --status --caller --correlation-id --resource-id':
                    'az-value',
                  '--namespace --resource-provider --select': 'az-value',
                  '--max-events': 'uint',
                },
                true,
              ),
            },
          },
        },
      },
      group: {
        subcommands: {
          list: az({ '--tag': 'az-value' }),
          show: az({ '-n --name -g --resource-group': 'az-name' }),
        },
      },
      resource: {
        subcommands: {
          list: az({
            ...AZ_RG,
            '--resource-type --namespace --tag': 'az-value',
            '-n --name': 'az-name',
            '-l --location': 'az-location',
          }),
          show: az({ ...AZ_ONE, '--resource-type --namespace --parent --api-version': 'az-value' }, true),
        },
      },
      account: {
        subcommands: {
          show: az({ '-n --name': 'az-value' }),
          list: az({ '--all': 'flag' }),
          'list-locations': az(),
          'get-access-token': az(
            { '--resource --resource-type --scope --tenant -t': 'az-value' },
            false,
            'it prints an access token',
          ),
        },
      },
      network: {
        subcommands: {
          nsg: {
            subcommands: {
              list: az(AZ_RG),
              show: az(AZ_ONE, true),
              rule: {
                subcommands: { list: az({ ...AZ_RG, '--nsg-name': 'az-name', '--include-default': 'flag' }) },
              },
            },
          },
          vnet: {
            subcommands: {
              list: az(AZ_RG),
              show: az(AZ_ONE, true),
              subnet: { subcommands: { list: az({ ...AZ_RG, '--vnet-name': 'az-name' }) } },
            },
          },
          'public-ip nic lb application-gateway': {
            subcommands: { list: az(AZ_RG), show: az(AZ_ONE, true) },
          },
        },
      },
      webapp: {
        subcommands: {
          list: az(AZ_RG),
          show: az(AZ_ONE, true),
          config: {
            subcommands: {
              appsettings: {
                subcommands: { list: az(AZ_ONE, true, 'app settings hold connection strings and keys') },
              },
            },
          },
        },
      },
      storage: {
        subcommands: {
          account: {
            subcommands: {
              list: az(AZ_RG),
              show: az(AZ_ONE, true),
              keys: {
                subcommands: {
                  list: az(
                    { ...AZ_ONE, '--expand-key-type': 'az-value' },
                    true,
                    'it prints storage account keys',
                  ),
                },
              },
              'show-connection-string': az(
                AZ_ONE,
                true,
                'it prints a connection string with the account key',
              ),
            },
          },
        },
      },
      sql: {
        subcommands: {
          server: { subcommands: { list: az(AZ_RG) } },
          db: { subcommands: { list: az({ ...AZ_RG, '-s --server': 'az-name' }) } },
        },
      },
      keyvault: {
        subcommands: {
          list: az(AZ_RG),
          secret: {
            subcommands: {
              show: az(
                { '--vault-name -n --name --version --id': 'az-value' },
                false,
                'it prints a secret value',
              ),
            },
          },
        },
      },
      version: az(),
    },
  },
];
