import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { findUnstorable } from '../../../protocol/index.js';

/**
 * Refuses a REST value holding NUL or a lone surrogate (a PostgreSQL text column refuses the one,
 * UTF-8 cannot encode the other): the caller can be told, so the text is refused with 400 naming
 * the field rather than cleaned (docs/protocol.md, "Customer text: what is kept").
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown): unknown {
    const path = findUnstorable(value);
    if (path !== null) {
      throw new BadRequestException([
        `${path || 'value'}: contains NUL or an unpaired surrogate, which cannot be stored`,
      ]);
    }
    return value;
  }
}
