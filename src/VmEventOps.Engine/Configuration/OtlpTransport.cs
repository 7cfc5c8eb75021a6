namespace VmEventOps.Engine.Configuration;

/// <summary>How traces and metrics reach an OTLP endpoint.</summary>
public enum OtlpTransport
{
    /// <summary>OTLP over gRPC (HTTP/2), a collector's port 4317 by convention.</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies, port 4318 by convention; /v1/traces and /v1/metrics are appended to the endpoint.</summary>
    HttpProtobuf,
}
