import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ApiConfig } from '../config';
import { AUTH_HEADER, ErrorDto } from '../dto';
import { ModelsService } from '../models.service';
import { API_CONFIG } from '../tokens';
import { ApiError, checkToken } from '../validate';
import { PLAYGROUND_HTML } from './page';

/** Inline script and styles only; nothing from other origins. */
const PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'";

@Controller()
export class PlaygroundController {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ModelsService) private readonly models: ModelsService,
  ) {}

  @Get()
  @ApiExcludeEndpoint()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', PAGE_CSP)
  @Header('cache-control', 'no-cache')
  root(): string {
    return PLAYGROUND_HTML;
  }

  @Get('playground')
  @ApiTags('operations')
  @ApiOperation({ summary: 'The playground page (also at /): rank keywords, see each prediction explained' })
  @ApiOkResponse({ description: 'HTML page', content: { 'text/html': {} } })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', PAGE_CSP)
  @Header('cache-control', 'no-cache')
  playground(): string {
    return PLAYGROUND_HTML;
  }

  @Get('report')
  @ApiTags('operations')
  @ApiOperation({ summary: "The active bundle's training report (report.html: metrics, calibration, importance)" })
  @ApiHeader(AUTH_HEADER)
  @ApiOkResponse({ description: 'HTML page', content: { 'text/html': {} } })
  @ApiResponse({ status: 404, description: 'the active bundle has no report', type: ErrorDto })
  @ApiResponse({ status: 503, description: 'no model loaded yet', type: ErrorDto })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
  report(@Headers('authorization') auth?: string): string {
    checkToken(this.config.API_TOKEN, auth, false);
    const active = this.models.active();
    if (active.model.reportHtml === null) throw new ApiError(404, `bundle ${active.version} has no training report`);
    return active.model.reportHtml;
  }
}
