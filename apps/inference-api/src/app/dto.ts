import { applyDecorators, Header, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
} from '@nestjs/swagger';
import { SCHEMA_V1 } from '@adrank/features';

/**
 * The request and response shapes, for the OpenAPI document at `/docs` (the JSON at `/docs/openapi.json`). Bodies are
 * checked by the parsers in `validate.ts`, which name the offending field; `api.spec.ts` keeps the two in step (same
 * fields, same limits).
 */

/** The bearer token header: required only when API_TOKEN (prediction routes) or ADMIN_TOKEN (admin) is set. */
export const AUTH_HEADER = {
  name: 'authorization',
  required: false,
  description: '`Bearer <token>` when the server sets API_TOKEN (ADMIN_TOKEN for /admin routes)',
};

export class RankRequestDto {
  @ApiProperty({ description: 'The search term to rank keywords for', maxLength: 256, example: '나이키 운동화' })
  given_word!: string;

  @ApiPropertyOptional({
    description:
      'Keywords to rank (1..MAX_CANDIDATES, default 1000). Absent: the RANK_RETRIEVE_K keywords of the embeddings cache nearest to given_word are ranked. Unknown keywords are embedded on the fly and ranked without history.',
    type: [String],
    minItems: 1,
    maxItems: 1000,
  })
  candidates?: string[];

  @ApiPropertyOptional({ description: 'Return only the best top_k', minimum: 1, maximum: 1000 })
  top_k?: number;

  @ApiPropertyOptional({ description: 'KST hour the ranking is for (default: now)', minimum: 0, maximum: 23 })
  hour?: number;

  @ApiPropertyOptional({ enum: ['PC', 'MOBILE'], description: 'default MOBILE' })
  device?: 'PC' | 'MOBILE';

  @ApiPropertyOptional({
    description: 'Add TreeSHAP contributions of the three models to each result (at most 100 results)',
    default: false,
  })
  explain?: boolean;
}

export class ExplanationDto {
  @ApiProperty({ description: "The model's mean raw score over its training data (SHAP base value)" })
  expected_value!: number;

  @ApiProperty({
    description:
      'Per feature: its TreeSHAP contribution on the raw score scale (log-odds for conversion); with expected_value they add up to the raw score',
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { similarity: 0.12, kw_ctr: -0.03 },
  })
  contributions!: Record<string, number>;
}

export class RankExplanationDto {
  @ApiProperty({ type: ExplanationDto }) ranker!: ExplanationDto;
  @ApiProperty({ type: ExplanationDto }) ctr!: ExplanationDto;
  @ApiProperty({ type: ExplanationDto }) conversion!: ExplanationDto;
}

export class RankedKeywordDto {
  @ApiProperty() keyword!: string;
  @ApiProperty({ description: "The ranker's raw score; results are sorted by it (ties by keyword)" }) score!: number;
  @ApiProperty({ description: 'Predicted click-through rate, 0..1' }) ctr!: number;
  @ApiProperty({ description: 'Predicted probability that a click converts' }) conversion_probability!: number;
  @ApiProperty({ description: 'Cosine similarity of the given word and the keyword' }) similarity!: number;
  @ApiProperty({ description: "In the bundle's keyword universe; false: embedded on the fly, no history features" })
  known_keyword!: boolean;
  @ApiPropertyOptional({ type: RankExplanationDto }) explanation?: RankExplanationDto;
}

export class RankResponseDto {
  @ApiProperty() model_version!: string;
  @ApiProperty() given_word!: string;
  @ApiProperty({ type: [RankedKeywordDto] }) results!: RankedKeywordDto[];
  @ApiProperty({ description: 'Server time for the ranking, ms' }) took_ms!: number;
}

export class PredictRequestDto {
  @ApiProperty({
    description: `1..MAX_INSTANCES (default 10000) rows. Keys are feature names of schema ${SCHEMA_V1.version}; an absent feature or null is a missing value (NaN, as in training); an unknown name is a 400 naming it.`,
    type: 'array',
    minItems: 1,
    maxItems: 10000,
    items: {
      type: 'object',
      properties: Object.fromEntries(SCHEMA_V1.names.map((n) => [n, { type: 'number', nullable: true }])),
      additionalProperties: false,
    },
    example: [{ similarity: 0.8, hour: 21, device: 1, bid_amt: 700, kw_ctr: 0.03 }],
  })
  instances!: Record<string, number | null>[];

  @ApiPropertyOptional({ description: 'Add TreeSHAP contributions per row (at most 100 rows)', default: false })
  explain?: boolean;
}

export class PredictResponseDto {
  @ApiProperty() model_version!: string;
  @ApiProperty({ type: [Number], description: 'One prediction per instance, in order' }) predictions!: number[];
  @ApiPropertyOptional({ type: [ExplanationDto], description: 'With explain: one per instance' })
  explanations?: ExplanationDto[];
}

export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({
    example: 'instances[0]: unknown feature(s) "simlarity"',
    description: 'What is wrong, naming the field',
  })
  error!: string;
}

export class ReloadResponseDto {
  @ApiProperty({ description: 'Whether a new version became active' }) changed!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Model registry status' })
  model!: Record<string, unknown>;
}

/** The OpenAPI description every prediction route shares: bearer auth, its body and answer, and the error statuses. */
export function PredictionRoute(summary: string, body: Type<unknown>, ok: Type<unknown>) {
  return applyDecorators(
    ApiBearerAuth(),
    ApiHeader(AUTH_HEADER),
    ApiOperation({ summary }),
    ApiBody({ type: body }),
    ApiOkResponse({ type: ok }),
    ApiResponse({ status: 400, type: ErrorDto, description: 'Invalid body; the message names the field' }),
    ApiResponse({ status: 401, type: ErrorDto, description: 'API_TOKEN is set and no bearer token was sent' }),
    ApiResponse({ status: 403, type: ErrorDto, description: 'Wrong token' }),
    ApiResponse({ status: 413, type: ErrorDto, description: 'Body over BODY_LIMIT_BYTES' }),
    ApiResponse({ status: 503, type: ErrorDto, description: 'No verified model yet, or shutting down (Retry-After)' }),
    // the handlers return JSON as bytes (json/responses.ts); errors set their own content type
    Header('content-type', 'application/json; charset=utf-8'),
  );
}
