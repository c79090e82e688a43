#!/usr/bin/env python3
"""Checks rendered GatoMesh manifests (`kubectl kustomize DIR | validate.py`) without a Kubernetes server.

kubectl's own client-side validation downloads the schema from an API server, so with none it cannot run;
this checks the same schema from the Kubernetes API types that Debian's python3-kubernetes (22.6: the API
of Kubernetes 1.22) was generated from: every field known and of its type, required fields present, enums
valid. autoscaling/v2 is checked against autoscaling/v2beta2, whose fields it kept unchanged. Then what a
schema cannot see: selectors that select the pods, probe and Service ports that name container ports,
Secrets, the service account and the autoscaler's target that exist, resource requests and limits on
every container, and the pod labels and environment Orleans' Kubernetes hosting reads.
Prints "ok: N objects (KIND, ...)" and exits 0, or one line per problem (with its path) and exits 1.
"""

import re
import sys

import yaml
from kubernetes import client

# Kinds whose newest API version is newer than the python client's types, checked as the nearest one.
VERSION_STAND_INS = {("autoscaling/v2", "HorizontalPodAutoscaler"): "V2beta2"}
PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def model_class(api_version, kind):
    version = VERSION_STAND_INS.get((api_version, kind)) or api_version.split("/")[-1].capitalize()
    return getattr(client, f"{version}{kind}", None)


def check_value(value, type_name, path, problems):
    if value is None:
        return
    if type_name in PRIMITIVES:
        if not isinstance(value, PRIMITIVES[type_name]) or (type_name != "bool" and isinstance(value, bool)):
            problems.append(f"{path}: {value!r} is not {type_name}")
    elif type_name == "object":
        pass  # IntOrString, raw extensions: any scalar or map
    elif type_name.startswith("list["):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for i, item in enumerate(value):
            check_value(item, type_name[5:-1], f"{path}[{i}]", problems)
    elif type_name.startswith("dict("):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map")
            return
        inner = re.match(r"dict\(str, (.*)\)$", type_name).group(1)
        for key, item in value.items():
            check_value(item, inner, f"{path}.{key}", problems)
    elif type_name == "datetime":
        pass
    else:
        check_model(value, getattr(client, type_name), path, problems)


def check_model(value, klass, path, problems):
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({klass.__name__})")
        return
    by_json = {json_name: attr for attr, json_name in klass.attribute_map.items()}
    for key, item in value.items():
        if key not in by_json:
            problems.append(f"{path}.{key}: unknown field of {klass.__name__}")
            continue
        check_value(item, klass.openapi_types[by_json[key]], f"{path}.{key}", problems)


def check_schema(doc, path, problems):
    klass = model_class(doc.get("apiVersion", ""), doc.get("kind", ""))
    if klass is None:
        problems.append(f"{path}: no Kubernetes type for apiVersion {doc.get('apiVersion')!r} kind {doc.get('kind')!r}")
        return
    before = len(problems)
    check_model(doc, klass, path, problems)
    if len(problems) == before:
        try:  # the types' own checks: required fields, enum values
            client.ApiClient()._ApiClient__deserialize(doc, klass)
        except ValueError as e:
            problems.append(f"{path}: {e}")


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_references(docs, problems):
    by_kind = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    deployments = by_kind.get("Deployment", {})
    secrets = by_kind.get("Secret", {})
    accounts = by_kind.get("ServiceAccount", {})
    for name, deployment in deployments.items():
        where = f"Deployment/{name}"
        template = deployment["spec"]["template"]
        labels = template["metadata"].get("labels", {})
        if not selects(deployment["spec"]["selector"].get("matchLabels"), labels):
            problems.append(f"{where}: spec.selector does not select its own pods")
        pod = template["spec"]
        account = pod.get("serviceAccountName")
        if account and account not in accounts:
            problems.append(f"{where}: service account {account!r} is not defined")
        for volume in pod.get("volumes", []):
            secret = volume.get("secret", {}).get("secretName")
            if secret and secret not in secrets:
                problems.append(f"{where}: volume {volume['name']!r} names Secret {secret!r}, which is not defined")
        for container in pod["containers"]:
            cwhere = f"{where} container {container['name']}"
            ports = {p.get("name") for p in container.get("ports", [])} | {p["containerPort"] for p in container.get("ports", [])}
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                action = container.get(probe, {})
                port = (action.get("httpGet") or action.get("tcpSocket") or {}).get("port")
                if port is not None and port not in ports:
                    problems.append(f"{cwhere}: {probe} port {port!r} is not a container port")
            resources = container.get("resources", {})
            if not resources.get("requests") or not resources.get("limits"):
                problems.append(f"{cwhere}: needs resource requests and limits")
            if "--kubernetes" in container.get("args", []):
                check_orleans_pod(cwhere, labels, container, problems)
    for kind, key in (("Service", "selector"), ("PodDisruptionBudget", "selector")):
        for name, doc in by_kind.get(kind, {}).items():
            selector = doc["spec"][key] if kind == "Service" else doc["spec"][key].get("matchLabels")
            targets = [d for d in deployments.values() if selects(selector, d["spec"]["template"]["metadata"].get("labels", {}))]
            if not targets:
                problems.append(f"{kind}/{name}: selects no Deployment's pods")
            if kind == "Service":
                names = {p.get("name") for d in targets for c in d["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
                for port in doc["spec"]["ports"]:
                    if isinstance(port.get("targetPort"), str) and port["targetPort"] not in names:
                        problems.append(f"Service/{name}: targetPort {port['targetPort']!r} is not a port of the pods it selects")
    for name, hpa in by_kind.get("HorizontalPodAutoscaler", {}).items():
        target = hpa["spec"]["scaleTargetRef"]
        if target["kind"] != "Deployment" or target["name"] not in deployments:
            problems.append(f"HorizontalPodAutoscaler/{name}: scales {target['kind']}/{target['name']}, which is not defined")


def check_orleans_pod(where, labels, container, problems):
    for label in ("orleans/serviceId", "orleans/clusterId"):
        if not labels.get(label):
            problems.append(f"{where}: Orleans' Kubernetes hosting needs the pod label {label}")
    env = {e["name"]: e for e in container.get("env", [])}
    for variable, field in (("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace"), ("POD_IP", "status.podIP"),
                            ("ORLEANS_SERVICE_ID", "metadata.labels['orleans/serviceId']"),
                            ("ORLEANS_CLUSTER_ID", "metadata.labels['orleans/clusterId']")):
        actual = env.get(variable, {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
        if actual != field:
            problems.append(f"{where}: env {variable} must come from {field}, not {actual!r}")


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin) if d]
    problems = []
    for i, doc in enumerate(docs):
        check_schema(doc, f"{doc.get('kind', '?')}/{doc.get('metadata', {}).get('name', i)}", problems)
    if not problems:
        check_references(docs, problems)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"ok: {len(docs)} objects ({', '.join(sorted({d['kind'] for d in docs}))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
