using System.Text.Json.Serialization;
using VmEventOps.Engine.Arm;

namespace VmEventOps.Engine.Workflow;

/// <summary>The JSON of an onboarding record's history and last known facts columns (source-generated: no reflection on the hot path).</summary>
[JsonSerializable(typeof(IReadOnlyList<OnboardingAttempt>))]
[JsonSerializable(typeof(Arm.VmNetworkInfo))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class OnboardingHistoryJson : JsonSerializerContext;
