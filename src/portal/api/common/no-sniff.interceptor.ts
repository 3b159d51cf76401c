import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * API answers carry customers' text as JSON data; nosniff stops a browser from ever taking
 * such a body for HTML or script, whatever it contains.
 */
@Injectable()
export class NoSniffInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    ctx
      .switchToHttp()
      .getResponse<{ header(name: string, value: string): unknown }>()
      .header('X-Content-Type-Options', 'nosniff');
    return next.handle();
  }
}
