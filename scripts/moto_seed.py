#!/usr/bin/env python3
"""Seed a running moto_server with a Heroku-to-AWS-shaped estate for Ferry's tests.

Every run creates its estate in its own AWS account (moto keeps accounts apart, and a role
assumed in account N gets credentials that moto maps to N), so tests that share one server
never see each other's resources. Names are fixed; the ids moto invents (ALB hex suffixes,
CloudFront ids, secret suffixes) are printed in the JSON on stdout for the tests to assert on.

Usage: moto_seed.py --endpoint URL --account 12-DIGITS --regions eu-west-1,eu-central-1
                    [--scale N]   # N extra services (each with its own task definition,
                                  # target group, log group, parameter) per region
Values that must never be stored by Ferry contain FERRY-SECRET so tests can scan for them.
"""
import argparse
import json
import sys

import boto3

SECRET = "FERRY-SECRET-VALUE"
TAGS = [{"Key": "app", "Value": "shop"}, {"Key": "env", "Value": "prod"}]
ECS_TAGS = [{"key": t["Key"], "value": t["Value"]} for t in TAGS]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--regions", default="eu-west-1,eu-central-1")
    p.add_argument("--scale", type=int, default=0)
    a = p.parse_args()

    # Credentials for the target account: any key works for moto's own default account,
    # which may assume a role in any other account.
    sts = boto3.client("sts", endpoint_url=a.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{a.account}:role/ferry-seed",
                            RoleSessionName="ferry")["Credentials"]
    kw = dict(endpoint_url=a.endpoint, aws_access_key_id=creds["AccessKeyId"],
              aws_secret_access_key=creds["SecretAccessKey"],
              aws_session_token=creds["SessionToken"])

    def client(name, region):
        return boto3.client(name, region_name=region, **kw)

    out = {
        "credentials": {"aws_access_key_id": creds["AccessKeyId"],
                        "aws_secret_access_key": creds["SecretAccessKey"],
                        "aws_session_token": creds["SessionToken"]},
        "account": a.account,
        "regions": {},
    }
    regions = a.regions.split(",")
    for region in regions:
        out["regions"][region] = seed_region(client, region, a.account, a.scale)
    out["global"] = seed_global(client, a.account, regions, out["regions"])
    json.dump(out, sys.stdout, indent=1, default=str)


def seed_region(client, r, acct, scale):
    ec2 = client("ec2", r)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sn1 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{r}a")["Subnet"]["SubnetId"]
    sn2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone=f"{r}b")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    res = {}

    # Configuration the task definitions read (names only ever reach Ferry).
    ssm = client("ssm", r)
    ssm.put_parameter(Name="/shop/prod/DATABASE_URL", Value=f"postgres://{SECRET}@db", Type="SecureString", Tags=TAGS)
    ssm.put_parameter(Name="/shop/prod/PLAIN", Value=SECRET, Type="String")
    sm = client("secretsmanager", r)
    stripe = sm.create_secret(Name="shop/prod/stripe", SecretString=json.dumps({"api_key": SECRET}), Tags=TAGS)["ARN"]
    res["secret"] = stripe
    logs = client("logs", r)
    for g in ("/ecs/shop-web", "/ecs/shop-worker"):
        logs.create_log_group(logGroupName=g, tags={"app": "shop"})
    ecr = client("ecr", r)
    repo = ecr.create_repository(repositoryName="shop", tags=TAGS)["repository"]
    res["ecr_uri"] = repo["repositoryUri"]
    res["ecr"] = repo["repositoryArn"]
    acm = client("acm", r)
    res["cert"] = acm.request_certificate(DomainName="api.shop.example.com", ValidationMethod="DNS",
                                          SubjectAlternativeNames=["api.shop.example.com", "www.shop.example.com"],
                                          Tags=TAGS)["CertificateArn"]

    ecs = client("ecs", r)
    res["cluster"] = ecs.create_cluster(clusterName="shop-prod", tags=ECS_TAGS)["cluster"]["clusterArn"]

    def task_def(family, env=True, log_group="/ecs/shop-web"):
        c = {
            "name": "app", "image": f"{repo['repositoryUri']}:1", "essential": True,
            "portMappings": [{"containerPort": 8080}],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": log_group, "awslogs-region": r, "awslogs-stream-prefix": family}},
        }
        if env:
            c["environment"] = [{"name": "RAILS_ENV", "value": SECRET}, {"name": "PORT", "value": "8080"}]
            c["secrets"] = [
                {"name": "DATABASE_URL", "valueFrom": f"arn:aws:ssm:{r}:{acct}:parameter/shop/prod/DATABASE_URL"},
                {"name": "STRIPE_API_KEY", "valueFrom": f"{stripe}:api_key::"},
                {"name": "PLAIN", "valueFrom": "/shop/prod/PLAIN"},
            ]
        return ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[c], tags=ECS_TAGS)["taskDefinition"]["taskDefinitionArn"]

    res["td_web"] = task_def("shop-web")
    res["td_worker"] = task_def("shop-worker", log_group="/ecs/shop-worker")
    res["td_release_1"] = task_def("shop-release", env=False)
    res["td_release_2"] = task_def("shop-release", env=False)

    elb = client("elbv2", r)
    lb = elb.create_load_balancer(Name="shop-alb", Subnets=[sn1, sn2], SecurityGroups=[sg], Scheme="internet-facing",
                                  Type="application", Tags=TAGS)["LoadBalancers"][0]
    res["alb"], res["alb_dns"] = lb["LoadBalancerArn"], lb["DNSName"]
    tg = elb.create_target_group(Name="shop-web", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip",
                                 Tags=TAGS)["TargetGroups"][0]["TargetGroupArn"]
    res["tg"] = tg
    res["listener_http"] = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])["Listeners"][0]["ListenerArn"]
    https = elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": res["cert"]}],
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}])["Listeners"][0]["ListenerArn"]
    res["listener_https"] = https
    res["rule"] = elb.create_rule(
        ListenerArn=https, Priority=10,
        Conditions=[{"Field": "host-header", "Values": ["api.shop.example.com"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": tg}])["Rules"][0]["RuleArn"]

    net = {"awsvpcConfiguration": {"subnets": [sn1, sn2], "securityGroups": [sg], "assignPublicIp": "DISABLED"}}
    res["svc_web"] = ecs.create_service(
        cluster="shop-prod", serviceName="web", taskDefinition="shop-web", desiredCount=2, launchType="FARGATE",
        networkConfiguration=net, tags=ECS_TAGS,
        loadBalancers=[{"targetGroupArn": tg, "containerName": "app", "containerPort": 8080}])["service"]["serviceArn"]
    res["svc_worker"] = ecs.create_service(
        cluster="shop-prod", serviceName="worker", taskDefinition="shop-worker", desiredCount=1,
        launchType="FARGATE", networkConfiguration=net)["service"]["serviceArn"]

    # Scheduled jobs: an EventBridge Scheduler schedule on an older revision, a rule with
    # an ECS target and a rule without one (not a migration item, left out by Ferry).
    role = f"arn:aws:iam::{acct}:role/run-task"
    res["schedule"] = client("scheduler", r).create_schedule(
        Name="shop-nightly", ScheduleExpression="cron(0 3 * * ? *)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": res["cluster"], "RoleArn": role,
                "EcsParameters": {"TaskDefinitionArn": res["td_release_1"], "TaskCount": 1, "LaunchType": "FARGATE"}},
    )["ScheduleArn"]
    events = client("events", r)
    res["rule_hourly"] = events.put_rule(Name="shop-hourly", ScheduleExpression="rate(1 hour)")["RuleArn"]
    events.put_targets(Rule="shop-hourly", Targets=[{
        "Id": "1", "Arn": res["cluster"], "RoleArn": role,
        "EcsParameters": {"TaskDefinitionArn": res["td_worker"], "TaskCount": 1, "LaunchType": "FARGATE"}}])
    events.put_rule(Name="shop-audit", EventPattern=json.dumps({"source": ["aws.ec2"]}))

    rds = client("rds", r)
    res["db"] = rds.create_db_instance(
        DBInstanceIdentifier="shop-db", DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="shop",
        MasterUserPassword=SECRET, AllocatedStorage=20, Tags=TAGS)["DBInstance"]["DBInstanceArn"]
    res["db_cluster"] = rds.create_db_cluster(
        DBClusterIdentifier="shop-aurora", Engine="aurora-postgresql", MasterUsername="shop",
        MasterUserPassword=SECRET, Tags=TAGS)["DBCluster"]["DBClusterArn"]

    ec = client("elasticache", r)
    res["redis"] = ec.create_replication_group(
        ReplicationGroupId="shop-redis", ReplicationGroupDescription="sidekiq", Engine="redis",
        CacheNodeType="cache.t3.micro", NumCacheClusters=1, Tags=TAGS)["ReplicationGroup"]["ARN"]
    res["memcached"] = ec.create_cache_cluster(
        CacheClusterId="shop-memcached", Engine="memcached", CacheNodeType="cache.t3.micro", NumCacheNodes=1,
        Tags=TAGS)["CacheCluster"]["ARN"]

    res["msk"] = client("kafka", r).create_cluster_v2(
        ClusterName="shop-events", Serverless={"VpcConfigs": [{"SubnetIds": [sn1, sn2]}]},
        Tags={"app": "shop"})["ClusterArn"]

    # Something only the tagging API reveals (Ferry has no SNS collector).
    res["sns"] = client("sns", r).create_topic(Name="shop-alerts", Tags=TAGS)["TopicArn"]

    for i in range(scale):
        name = f"svc-{i:04d}"
        log_group = f"/ecs/{name}"
        logs.create_log_group(logGroupName=log_group)
        ssm.put_parameter(Name=f"/shop/{name}/URL", Value=SECRET, Type="String")
        td = task_def(name, env=False, log_group=log_group)
        t = elb.create_target_group(Name=name, Protocol="HTTP", Port=8080, VpcId=vpc,
                                    TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
        ecs.create_service(cluster="shop-prod", serviceName=name, taskDefinition=td, desiredCount=1,
                           launchType="FARGATE", networkConfiguration=net,
                           loadBalancers=[{"targetGroupArn": t, "containerName": "app", "containerPort": 8080}])
    return res


def seed_global(client, acct, regions, regional):
    """S3, the CloudFront certificate, CloudFront and Route 53: global, called in us-east-1."""
    g = {}
    s3 = client("s3", "us-east-1")
    g["bucket"] = f"shop-assets-{acct}"
    s3.create_bucket(Bucket=g["bucket"], CreateBucketConfiguration={"LocationConstraint": regions[0]})
    s3.put_bucket_tagging(Bucket=g["bucket"], Tagging={"TagSet": TAGS})
    g["bucket_us"] = f"shop-logs-{acct}"
    s3.create_bucket(Bucket=g["bucket_us"])
    g["cf_cert"] = client("acm", "us-east-1").request_certificate(
        DomainName="cdn.shop.example.com", ValidationMethod="DNS")["CertificateArn"]

    cf = client("cloudfront", "us-east-1")
    alb_dns = regional[regions[0]]["alb_dns"]

    def distribution(ref, origin_id, domain, alias, s3_origin):
        origin = {"Id": origin_id, "DomainName": domain}
        if s3_origin:
            origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
        else:
            origin["CustomOriginConfig"] = {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}
        d = cf.create_distribution_with_tags(DistributionConfigWithTags={"DistributionConfig": {
            "CallerReference": ref, "Comment": ref, "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {"TargetOriginId": origin_id, "ViewerProtocolPolicy": "redirect-to-https",
                                     "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                     "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0}},
            "Aliases": {"Quantity": 1, "Items": [alias]},
            "ViewerCertificate": {"ACMCertificateArn": g["cf_cert"], "SSLSupportMethod": "sni-only"},
        }, "Tags": {"Items": TAGS}})["Distribution"]
        return d["ARN"], d["DomainName"]

    g["cf_s3"], g["cf_s3_domain"] = distribution(
        "assets", "s3-assets", f"{g['bucket']}.s3.{regions[0]}.amazonaws.com", "cdn.shop.example.com", True)
    g["cf_alb"], _ = distribution("api", "alb", alb_dns, "edge.shop.example.com", False)

    r53 = client("route53", "us-east-1")
    zone = r53.create_hosted_zone(Name="shop.example.com", CallerReference=f"zone-{acct}")["HostedZone"]["Id"]
    zid = zone.split("/")[-1]
    g["zone_id"] = zid

    def rr(name, type_, value=None, alias=None, set_id=None, weight=None):
        rs = {"Name": name, "Type": type_}
        if alias:
            rs["AliasTarget"] = {"HostedZoneId": "Z32O12XQLNTSW2", "DNSName": alias, "EvaluateTargetHealth": False}
        else:
            rs["TTL"] = 300
            rs["ResourceRecords"] = [{"Value": value}]
        if set_id:
            rs["SetIdentifier"], rs["Weight"] = set_id, weight
        return {"Action": "CREATE", "ResourceRecordSet": rs}

    r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
        rr("www.shop.example.com", "CNAME", value=alb_dns),
        rr("api.shop.example.com", "A", alias=f"dualstack.{alb_dns}."),
        rr("cdn.shop.example.com", "CNAME", value=g["cf_s3_domain"]),
        rr("blue.shop.example.com", "CNAME", value=alb_dns, set_id="blue", weight=90),
        rr("blue.shop.example.com", "CNAME", value="legacy.herokudns.com", set_id="green", weight=10),
    ]})
    r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=zid, AddTags=TAGS)
    return g


if __name__ == "__main__":
    main()
